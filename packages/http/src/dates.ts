/**
 * The one shape of a date and of a date-time in every request, so that what passes validation is
 * always a real calendar day that PostgreSQL stores (`date`, `timestamptz`): no `31/12/2026`, no
 * 30 February, no year 0. Only zod, so a pure domain module may use it too (`@yrd/http/dates`).
 */
import { z } from 'zod';

const earliest = new Date('0001-01-01T00:00:00Z').getTime();
const latest = new Date('9999-12-31T23:59:59.999Z').getTime();
const inRange = (ms: number) => ms >= earliest && ms <= latest;

/** A calendar day, `YYYY-MM-DD` (e.g. 2026-06-30). */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD a date like 2026-06-30')
  .refine((d) => {
    const ms = new Date(`${d}T00:00:00Z`).getTime();
    return inRange(ms) && new Date(ms).toISOString().slice(0, 10) === d;
  }, '不是有效的日历日期 not a calendar date between 0001-01-01 and 9999-12-31')
  .meta({ format: 'date', example: '2026-06-30' });

/** An instant: ISO 8601 date-time with an offset (e.g. 2026-06-30T08:00:00Z or …+08:00). */
export const isoDateTime = z.iso
  .datetime({
    offset: true,
    error: '时间格式应为带时区的 ISO 8601 an ISO 8601 date-time with an offset, e.g. 2026-06-30T08:00:00+08:00',
  })
  .refine((v) => inRange(new Date(v).getTime()), '时间超出范围 a date-time between 0001-01-01 and 9999-12-31 (UTC)');
