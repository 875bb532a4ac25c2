/** The admin screens' answers as the generated client types them (never written by hand). */
import type { paths, Schemas } from '@yrd/api-client';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;

export type Duty = Schemas['Duty'];
export type NegativeEntry = Schemas['NegativeEntry'];
export type ComplianceView = Json<paths['/api/catalog/v1/compliance']['get']['responses'][200]>;
export type AgencyCompliance = ComplianceView['agencies'][number];
export type DutyCompliance = AgencyCompliance['duties'][number];
export type DutyStatus = DutyCompliance['status'];
export type RulesVersion = Schemas['RulesVersion'];
export type PolicyRules = RulesVersion['rules'];
export type ResourceClass = Json<paths['/api/catalog/v1/classes']['get']['responses'][200]>['classes'][number];
