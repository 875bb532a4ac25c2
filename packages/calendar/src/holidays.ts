/**
 * China's public holidays (法定节假日) and make-up working days (调休上班日), as data.
 *
 * The State Council fixes the actual days off once a year, in 国务院办公厅关于…年部分节假日安排的通知,
 * usually published in October or November for the next year: the lunar festivals move, and 调休 shifts
 * days off next to a weekend and makes a weekend day a working day in exchange. So no rule computes them;
 * each year is copied from its notice, and a year without a notice is simply not covered (calendar.ts
 * then falls back to Mon–Fri and says so).
 *
 * `holidays` are the periods the notice gives as 放假 / 放假调休 ("1月28日至2月4日"), weekend days inside
 * them included; `workdays` are the weekend days it lists as 上班. Only days off for everyone count: the
 * half-day holidays of some groups (三八妇女节, 五四青年节, 六一儿童节, 八一建军节) do not close an office.
 *
 * From 2025 there are 13 statutory holidays instead of 11: 国务院令第797号 (国务院关于修改《全国年节及纪念日
 * 放假办法》的决定, published November 2024, in force 2025-01-01) added 除夕 to 春节 and 5月2日 to 劳动节.
 * Because 调休 moves days but never adds or removes them, a year has exactly (weekdays − statutory holidays)
 * working days; the unit tests check the data against that.
 */

/** A run of consecutive days off, as the notice gives it. */
export interface HolidayPeriod {
  /** the notice's heading, e.g. 春节; 国庆节、中秋节 when the two are merged */
  readonly name: string;
  /** first and last day off, YYYY-MM-DD, both included */
  readonly first: string;
  readonly last: string;
}

/** A weekend day that is a working day (调休上班), and the holiday it pays for. */
export interface MakeUpWorkday {
  readonly day: string;
  readonly holiday: string;
}

/** One year's notice. */
export interface HolidayYear {
  readonly year: number;
  /** the notice the days are copied from, so a reviewer can check them */
  readonly source: string;
  readonly holidays: readonly HolidayPeriod[];
  readonly workdays: readonly MakeUpWorkday[];
}

export const nationalHolidays: readonly HolidayYear[] = [
  {
    // 国务院办公厅关于2024年部分节假日安排的通知, 国办发明电〔2023〕7号 (2023-10-25). Last year of 11 statutory days.
    year: 2024,
    source: '国办发明电〔2023〕7号',
    holidays: [
      // "1月1日放假，与周末连休": the weekend before it (2023-12-30/31) lies outside this year
      { name: '元旦', first: '2024-01-01', last: '2024-01-01' },
      // 除夕 (2月9日) was not a holiday yet: the notice only encouraged employers to give it as annual leave
      { name: '春节', first: '2024-02-10', last: '2024-02-17' },
      { name: '清明节', first: '2024-04-04', last: '2024-04-06' },
      { name: '劳动节', first: '2024-05-01', last: '2024-05-05' },
      // "6月10日放假，与周末连休"
      { name: '端午节', first: '2024-06-08', last: '2024-06-10' },
      { name: '中秋节', first: '2024-09-15', last: '2024-09-17' },
      { name: '国庆节', first: '2024-10-01', last: '2024-10-07' },
    ],
    workdays: [
      { day: '2024-02-04', holiday: '春节' },
      { day: '2024-02-18', holiday: '春节' },
      { day: '2024-04-07', holiday: '清明节' },
      { day: '2024-04-28', holiday: '劳动节' },
      { day: '2024-05-11', holiday: '劳动节' },
      { day: '2024-09-14', holiday: '中秋节' },
      { day: '2024-09-29', holiday: '国庆节' },
      { day: '2024-10-12', holiday: '国庆节' },
    ],
  },
  {
    // 国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号 (2024-11-12). First year of 13 statutory
    // days (国务院令第797号); 中秋节 (10月6日) falls inside 国庆节, so the notice merges them into 8 days.
    year: 2025,
    source: '国办发明电〔2024〕12号',
    holidays: [
      // "1月1日（周三）放假1天，不调休"
      { name: '元旦', first: '2025-01-01', last: '2025-01-01' },
      { name: '春节', first: '2025-01-28', last: '2025-02-04' },
      { name: '清明节', first: '2025-04-04', last: '2025-04-06' },
      { name: '劳动节', first: '2025-05-01', last: '2025-05-05' },
      { name: '端午节', first: '2025-05-31', last: '2025-06-02' },
      { name: '国庆节、中秋节', first: '2025-10-01', last: '2025-10-08' },
    ],
    workdays: [
      { day: '2025-01-26', holiday: '春节' },
      { day: '2025-02-08', holiday: '春节' },
      { day: '2025-04-27', holiday: '劳动节' },
      { day: '2025-09-28', holiday: '国庆节、中秋节' },
      { day: '2025-10-11', holiday: '国庆节、中秋节' },
    ],
  },
  {
    // 国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04, published by 新华社). The days were checked against
    // reprints of the 新华社 text, not against the 国务院公报 itself; its 文号 is believed to be 国办发明电〔2025〕7号
    // but that was not verified, so `source` names the notice by title and date instead.
    year: 2026,
    source: '国务院办公厅关于2026年部分节假日安排的通知（2025年11月4日）',
    holidays: [
      { name: '元旦', first: '2026-01-01', last: '2026-01-03' },
      { name: '春节', first: '2026-02-15', last: '2026-02-23' },
      { name: '清明节', first: '2026-04-04', last: '2026-04-06' },
      { name: '劳动节', first: '2026-05-01', last: '2026-05-05' },
      { name: '端午节', first: '2026-06-19', last: '2026-06-21' },
      { name: '中秋节', first: '2026-09-25', last: '2026-09-27' },
      { name: '国庆节', first: '2026-10-01', last: '2026-10-07' },
    ],
    workdays: [
      { day: '2026-01-04', holiday: '元旦' },
      { day: '2026-02-14', holiday: '春节' },
      { day: '2026-02-28', holiday: '春节' },
      { day: '2026-05-09', holiday: '劳动节' },
      { day: '2026-09-20', holiday: '国庆节' },
      { day: '2026-10-10', holiday: '国庆节' },
    ],
  },
];
