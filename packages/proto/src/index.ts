export { canonicalJson } from './canonical.js';
export { encoderOf, repeatedOf } from './framing.js';
export * as auditV1 from './gen/yrd/audit/v1/audit.js';
export * as catalogV1 from './gen/yrd/catalog/v1/catalog.js';
export * as certificateV1 from './gen/yrd/certificate/v1/certificate.js';
export * as commonV1 from './gen/yrd/common/v1/common.js';
export * as consentV1 from './gen/yrd/consent/v1/consent.js';
export * as exchangeV1 from './gen/yrd/exchange/v1/exchange.js';
/** yrd.exchange.v1 messages of subscriptions (订阅), generated from feed.proto */
export * as feedV1 from './gen/yrd/exchange/v1/feed.js';
export * from './grpc.js';
