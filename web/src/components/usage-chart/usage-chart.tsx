import { component$ } from '@builder.io/qwik';

/** A small SVG line of samples against a dashed quota line. */
export const UsageChart = component$((props: { samples: number[]; limit: number; label: string }) => {
  const w = 600;
  const h = 120;
  const top = Math.max(props.limit, ...props.samples, 1);
  const y = (v: number) => h - (v / top) * (h - 10);
  const step = props.samples.length > 1 ? w / (props.samples.length - 1) : w;
  const points = props.samples.map((v, i) => `${Math.round(i * step)},${Math.round(y(v))}`).join(' ');
  return (
    <figure>
      <svg viewBox={`0 0 ${w} ${h}`} width="100%" height="120" role="img" aria-label={`${props.label}: latest ${props.samples[props.samples.length - 1] ?? 0} of ${props.limit}`}>
        <line x1="0" x2={w} y1={y(props.limit)} y2={y(props.limit)} stroke="#cf222e" stroke-dasharray="6 4" />
        {props.samples.length > 0 && <polyline points={props.samples.length === 1 ? `0,${Math.round(y(props.samples[0] ?? 0))} ${w},${Math.round(y(props.samples[0] ?? 0))}` : points} fill="none" stroke="var(--accent)" stroke-width="3" />}
      </svg>
      <figcaption class="muted">Sampled every 10 s while this page is open; the dashed line is the quota.</figcaption>
    </figure>
  );
});
