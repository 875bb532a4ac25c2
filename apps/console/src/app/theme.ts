import type { ThemeConfig } from 'antd';

/**
 * antd's theme with the text and primary colours darkened to WCAG AA contrast on white (antd's
 * default primary #1677ff is 4.1:1 under white text, its secondary text 0.45 alpha about 3.4:1):
 * the console is checked with axe-core for serious and critical violations. Hover and press go
 * darker, not lighter as antd derives them (its hover blue is about 3.6:1 under white text).
 */
export const theme: ThemeConfig = {
  zeroRuntime: true,
  token: {
    // No motion. antd removes a leaving element (a button's spinner, a closing menu or dialog) when
    // the browser reports the end of its CSS transition; on a busy machine that report can fail to
    // come, and the 查询 button kept its spinner, named "loading 查询", after the answer was in. What
    // appears or goes does so at once, whatever the browser does with transitions.
    motion: false,
    colorPrimary: '#0958d9',
    colorPrimaryHover: '#003eb3',
    colorPrimaryActive: '#002c8c',
    colorLink: '#0958d9',
    colorLinkHover: '#003eb3',
    colorLinkActive: '#002c8c',
    // antd's error red (#ff4d4f) is 3.3:1 on white; field messages and danger buttons need 4.5:1
    colorError: '#cf1322',
    colorTextSecondary: 'rgba(0, 0, 0, 0.65)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.62)',
    colorTextDescription: 'rgba(0, 0, 0, 0.62)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.55)',
    fontFamily:
      "-apple-system, BlinkMacSystemFont, 'Segoe UI', 'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'WenQuanYi Zen Hei', sans-serif",
  },
  components: {
    // a table with nothing in it says so in antd's disabled grey (about 1.9:1): the empty state is text to read
    Table: { colorTextDisabled: 'rgba(0, 0, 0, 0.62)' },
  },
};
