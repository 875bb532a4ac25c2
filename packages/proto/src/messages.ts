/**
 * The pure face of @yrd/proto, for code that must load no transport (a service's `domain/`): the
 * message types and canonical JSON, and nothing that opens a socket at import time.
 *
 * The messages are types only. ts-proto writes each package's gRPC service definition into the same
 * generated file as its messages, so loading a message's codec (`fromPartial`, `encode`) loads
 * @grpc/grpc-js too; encoding and decoding belong to the adapters, which use the root entry.
 * `import { catalogV1 } from '@yrd/proto/messages'` used as a value fails to compile, which keeps
 * it that way.
 */
export { canonicalJson } from './canonical.js';
export type * as auditV1 from './gen/yrd/audit/v1/audit.js';
export type * as catalogV1 from './gen/yrd/catalog/v1/catalog.js';
export type * as commonV1 from './gen/yrd/common/v1/common.js';
export type * as consentV1 from './gen/yrd/consent/v1/consent.js';
export type * as exchangeV1 from './gen/yrd/exchange/v1/exchange.js';
/** yrd.exchange.v1 messages of subscriptions (订阅), generated from feed.proto */
export type * as feedV1 from './gen/yrd/exchange/v1/feed.js';
