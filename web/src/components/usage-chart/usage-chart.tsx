import { component$ } from '@builder.io/qwik';
import type { UsageChartModel } from '../../lib/usage-chart.ts';

const AXIS = 18;

/**
 * Usage over time as an SVG step chart against a dashed quota line. Screen readers get the
 * title and a one-sentence description; everyone can open the same numbers as a table.
 */
export const UsageChart = component$((props: { id: string; title: string; model: UsageChartModel }) => {
  const m = props.model;
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  return (
    <figure class="usage-chart" data-testid={props.id}>
      <svg viewBox={`0 0 ${m.width} ${m.height + AXIS}`} width="100%" role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>
          {m.summary} The dashed line is the quota of {m.quota} {m.unit}.
        </desc>
        <line x1="0" x2={m.width} y1={m.height} y2={m.height} stroke="var(--line)" />
        <line x1="0" x2={m.width} y1={m.quotaY} y2={m.quotaY} stroke="var(--bad)" stroke-dasharray="6 4" />
        {m.runningPath && <path d={m.runningPath} fill="none" stroke="var(--muted)" stroke-width="2" stroke-dasharray="2 3" />}
        {m.reservedPath && <path d={m.reservedPath} fill="none" stroke="var(--accent)" stroke-width="3" />}
        {m.ticks.map((t, i) => (
          <text key={t.x} x={t.x} y={m.height + AXIS - 4} font-size="11" fill="currentColor" text-anchor={i === 0 ? 'start' : i === m.ticks.length - 1 ? 'end' : 'middle'}>
            {t.label}
          </text>
        ))}
      </svg>
      <figcaption class="muted">
        Solid: highest reserved {m.unit} in each interval{m.runningPath ? '; dotted: running replicas' : ''}; dashed: the quota ({m.quota} {m.unit}).
      </figcaption>
      <details>
        <summary>Show as a table</summary>
        <table>
          <caption class="muted">{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">From</th>
              <th scope="col">Highest reserved ({m.unit})</th>
              {m.runningPath && <th scope="col">Highest running</th>}
              <th scope="col">Replica-hours</th>
            </tr>
          </thead>
          <tbody>
            {m.rows.map((r) => (
              <tr key={r.start}>
                <td>{r.label}</td>
                <td>{r.reserved}</td>
                {m.runningPath && <td>{r.running}</td>}
                <td>{r.replicaHours}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
});
