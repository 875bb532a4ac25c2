/** @yrd/certificate — 电子证照. The service's HTTP/gRPC surface comes later; today, its domain. */
export * from './domain/index.js';
