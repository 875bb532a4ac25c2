import { describe, expect, it } from 'vitest';
import { apiQuery, readSearch, withFacet, withText, writeSearch } from './search-params';

describe('catalogue search in the URL', () => {
  it('reads the text, the facets and the page, and writes them back', () => {
    const params = new URLSearchParams('q=社保&province=zj&sharing=conditional&page=3&unknown=1');
    const s = readSearch(params);
    expect(s).toEqual({ q: '社保', filters: { province: 'zj', sharing: 'conditional' }, page: 3 });
    expect(writeSearch(s).toString()).toBe(
      new URLSearchParams('q=社保&province=zj&sharing=conditional&page=3').toString(),
    );
  });

  it('starts at page 1 when the page is missing or not a page', () => {
    expect(readSearch(new URLSearchParams('page=0')).page).toBe(1);
    expect(readSearch(new URLSearchParams('page=x')).page).toBe(1);
    expect(readSearch(new URLSearchParams('q=%20%20')).q).toBeUndefined();
  });

  it('goes back to the first page when the text or a facet changes', () => {
    const s = readSearch(new URLSearchParams('q=客流&grade=general&page=4'));
    expect(withFacet(s, 'province', 'sh')).toEqual({
      q: '客流',
      filters: { grade: 'general', province: 'sh' },
      page: 1,
    });
    expect(withFacet(s, 'grade', undefined)).toEqual({ q: '客流', filters: {}, page: 1 });
    expect(withText(s, '  ')).toEqual({ filters: { grade: 'general' }, page: 1 });
  });

  it('asks the API for one page of ten', () => {
    expect(apiQuery(readSearch(new URLSearchParams('q=碳&open=none&page=2')))).toEqual({
      q: '碳',
      open: 'none',
      page: 2,
      pageSize: 10,
    });
  });
});

describe('a link with values the facets do not have', () => {
  it('searches without them', () => {
    expect(readSearch(new URLSearchParams('province=xx&grade=secret&sharing=none&agency=123')).filters).toEqual({
      sharing: 'none',
      agency: '123',
    });
    expect(withFacet(readSearch(new URLSearchParams('grade=core')), 'grade', 'nonsense').filters).toEqual({});
  });
});
