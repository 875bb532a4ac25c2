import { Tag } from 'antd';
import type { ReactNode } from 'react';

/**
 * A tag for one of the platform's terms. The colours are dark enough on their tint for WCAG AA
 * (4.5:1 at tag size), which antd's lighter preset colours are not for gold, orange and green.
 */
const tones = {
  red: { color: '#a8071a', background: '#fff1f0', borderColor: '#ffa39e' },
  orange: { color: '#ad4e00', background: '#fff7e6', borderColor: '#ffd591' },
  gold: { color: '#874d00', background: '#fffbe6', borderColor: '#ffe58f' },
  green: { color: '#237804', background: '#f6ffed', borderColor: '#b7eb8f' },
  blue: { color: '#003eb3', background: '#e6f4ff', borderColor: '#91caff' },
  purple: { color: '#391085', background: '#f9f0ff', borderColor: '#d3adf7' },
  magenta: { color: '#9e1068', background: '#fff0f6', borderColor: '#ffadd2' },
  grey: { color: '#262626', background: '#f5f5f5', borderColor: '#d9d9d9' },
} as const;
export type Tone = keyof typeof tones;

export function TermTag({ tone, title, children }: { tone: Tone; title?: string; children: ReactNode }) {
  return (
    <Tag style={tones[tone]} title={title}>
      {children}
    </Tag>
  );
}
