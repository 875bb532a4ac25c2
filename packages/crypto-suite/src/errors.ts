// The suite's refusals, each with a stable code on the platform's one error base (@yrd/errors):
// key and JWK problems are `invalid` (a caller or config mistake), token problems `unauthenticated`
// (what a bearer of a bad token should see).
import { type AppError, invalid, unauthenticated } from '@yrd/errors';

export const cryptoErrors = {
  unknownSuite: (id: unknown) =>
    invalid('CRYPTO.UNKNOWN_SUITE', `未知的密码套件 unknown crypto suite: ${String(id).slice(0, 40)}`),
  keySuiteMismatch: (want: string, got: string) =>
    invalid('CRYPTO.KEY_SUITE_MISMATCH', `密钥不属于密码套件 ${want} key does not belong to suite ${want} (${got})`),
  keyKindMismatch: (want: 'public' | 'private') =>
    invalid('CRYPTO.KEY_KIND_MISMATCH', `需要${want === 'public' ? '公钥' : '私钥'} a ${want} key is required`),
  keyInvalid: (why: string) => invalid('CRYPTO.KEY_INVALID', `密钥无效 invalid key: ${why}`),
  jwkInvalid: (why: string) => invalid('CRYPTO.JWK_INVALID', `JWK 无效 invalid JWK: ${why}`),
  jwkPrivateWherePublic: () =>
    invalid(
      'CRYPTO.JWK_PRIVATE_WHERE_PUBLIC',
      '此处只接受公钥，JWK 含私钥 d a JWK with a private part d is refused here',
    ),
  kidInvalid: () =>
    invalid('CRYPTO.KID_INVALID', '密钥标识无效 kid must be a non-empty string of at most 256 characters'),
  jwsMalformed: (why: string) => unauthenticated('CRYPTO.JWS_MALFORMED', `签名令牌格式错误 malformed JWS: ${why}`),
  jwsAlgRefused: (alg: unknown) =>
    unauthenticated(
      'CRYPTO.JWS_ALG_REFUSED',
      `不接受的签名算法 signature algorithm refused: ${JSON.stringify(alg)?.slice(0, 40) ?? 'undefined'}`,
    ),
  jwsKeyUnknown: () => unauthenticated('CRYPTO.JWS_KEY_UNKNOWN', '找不到签名密钥 no key for this kid'),
  jwsKeyMismatch: () =>
    unauthenticated('CRYPTO.JWS_KEY_MISMATCH', '签名算法与密钥不符 the algorithm does not match the key'),
  jwsSignatureInvalid: () => unauthenticated('CRYPTO.JWS_SIGNATURE_INVALID', '签名无效 signature is invalid'),
} satisfies Record<string, (...args: never[]) => AppError>;
