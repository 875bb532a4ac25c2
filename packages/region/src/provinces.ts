/** The four members of the Yangtze River Delta (三省一市). GB/T 2260 codes. */
export const provinces = ['sh', 'js', 'zj', 'ah'] as const;
export type Province = (typeof provinces)[number];

export interface ProvinceInfo {
  code: Province;
  name: string;
  short: string;
  adminCode: string;
  /** NATS account name */
  account: string;
  /** default edge port; services sit on port+1.. */
  basePort: number;
}

export const provinceInfo: Record<Province, ProvinceInfo> = {
  sh: { code: 'sh', name: '上海市', short: '沪', adminCode: '310000', account: 'SH', basePort: 7310 },
  js: { code: 'js', name: '江苏省', short: '苏', adminCode: '320000', account: 'JS', basePort: 7320 },
  zj: { code: 'zj', name: '浙江省', short: '浙', adminCode: '330000', account: 'ZJ', basePort: 7330 },
  ah: { code: 'ah', name: '安徽省', short: '皖', adminCode: '340000', account: 'AH', basePort: 7340 },
};

export function isProvince(v: unknown): v is Province {
  return typeof v === 'string' && (provinces as readonly string[]).includes(v);
}

export const services = ['catalog', 'consent', 'exchange', 'audit', 'certificate'] as const;
export type ServiceName = (typeof services)[number];

/**
 * Default ports of a province node: edge on the base port, each service's HTTP on base+1..4 and
 * its gRPC on base+5..8 (e.g. 上海: edge 7310, catalog 7311 / gRPC 7315). The admin ports
 * (GET /metrics, never proxied by the edge) mirror them 1000 higher: edge base+1000, each service
 * base+1001..1004 (上海: edge 8310, catalog 8311 … audit 8314). The certificate service (电子证照),
 * which came fifth, has HTTP on base+9 and its gRPC and admin ports 1000 higher: base+1009, base+1005
 * (上海: 7319, 8319, 8315).
 */
export function defaultPorts(p: Province, offset = 0) {
  const b = provinceInfo[p].basePort + offset;
  return {
    edge: b,
    http: { catalog: b + 1, consent: b + 2, exchange: b + 3, audit: b + 4, certificate: b + 9 },
    grpc: { catalog: b + 5, consent: b + 6, exchange: b + 7, audit: b + 8, certificate: b + 1009 },
    admin: {
      edge: b + 1000,
      catalog: b + 1001,
      consent: b + 1002,
      exchange: b + 1003,
      audit: b + 1004,
      certificate: b + 1005,
    },
  } satisfies {
    edge: number;
    http: Record<ServiceName, number>;
    grpc: Record<ServiceName, number>;
    admin: Record<ServiceName | 'edge', number>;
  };
}

/** Resource ids carry their province: `zj.330000-SCJG-0001` style; the prefix names the provider. */
export function provinceOfResourceId(id: string): Province | undefined {
  const p = id.split('.', 1)[0];
  return isProvince(p) ? p : undefined;
}
