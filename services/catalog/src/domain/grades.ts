/** Grades of 数据分类分级 (数据安全法 art. 21, GB/T 43697-2024). */
export const grades = ['core', 'important', 'general'] as const;
export type Grade = (typeof grades)[number];
