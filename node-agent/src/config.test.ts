import { CreateClusterBody } from '@berth/protocol';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('defaults to the same admission policy as a cluster registered at the edge without one', () => {
    const agent = loadConfig({});
    const cluster = CreateClusterBody.parse({ name: 'c' });
    expect(agent.BERTH_ALLOW_MANAGER_PLACEMENT).toBe(false);
    expect([agent.BERTH_ALLOW_MANAGER_PLACEMENT, agent.BERTH_ALLOWED_PLACEMENT_LABELS, agent.BERTH_VOLUME_DRIVER]).toEqual([cluster.allowManagerPlacement, cluster.allowedPlacementLabels, cluster.volumeDriver]);
  });

  it('reads the allowed placement label keys and the volume driver', () => {
    const config = loadConfig({ BERTH_ALLOWED_PLACEMENT_LABELS: 'zone, berth.pool', BERTH_VOLUME_DRIVER: 'rexray/ebs:latest' });
    expect(config.BERTH_ALLOWED_PLACEMENT_LABELS).toEqual(['zone', 'berth.pool']);
    expect(config.BERTH_VOLUME_DRIVER).toBe('rexray/ebs:latest');
  });

  it.each([{ BERTH_ALLOWED_PLACEMENT_LABELS: 'zone==a' }, { BERTH_VOLUME_DRIVER: 'local -o type=proc' }, { BERTH_ALLOW_MANAGER_PLACEMENT: 'yes' }])('refuses %o', (env) => {
    expect(() => loadConfig(env)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
