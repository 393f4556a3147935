-- Custom SQL migration file, put your code below! --
-- Baseline usage sample per existing tenant, so history starts at the upgrade rather than at
-- each tenant's next change. Same totals as the edge's sample writer; time in ms since epoch.
INSERT INTO `usage_sample` (`tenant_id`, `at`, `running_replicas`, `total_replicas`, `cpu_millis`, `memory_mb`, `agent_services`)
SELECT `tenant`.`id`,
  CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER),
  coalesce(sum(`agent_service`.`running_replicas`), 0),
  coalesce(sum(CASE WHEN `agent_service`.`status` <> 'removed' THEN `agent_service`.`replicas` END), 0),
  coalesce(sum(CASE WHEN `agent_service`.`status` <> 'removed' THEN `agent_service`.`replicas` * `agent_service`.`cpu_millis` END), 0),
  coalesce(sum(CASE WHEN `agent_service`.`status` <> 'removed' THEN `agent_service`.`replicas` * `agent_service`.`memory_mb` END), 0),
  count(CASE WHEN `agent_service`.`status` <> 'removed' THEN 1 END)
FROM `tenant` LEFT JOIN `agent_service` ON `agent_service`.`tenant_id` = `tenant`.`id`
GROUP BY `tenant`.`id`;
