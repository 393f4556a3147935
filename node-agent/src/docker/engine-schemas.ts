import { z } from 'zod';

// Docker Engine responses are parsed (loosely) rather than cast: the engine is outside our process.

const Labels = z.record(z.string(), z.string()).nullish().transform((l) => l ?? {});

/** `GET /services/{id}` and the items of `GET /services`. */
export const EngineService = z.looseObject({
  ID: z.string(),
  Version: z.object({ Index: z.number().int() }),
  Spec: z.looseObject({
    Name: z.string(),
    Labels,
    Mode: z.looseObject({ Replicated: z.looseObject({ Replicas: z.number().int().optional() }).optional() }).optional(),
    TaskTemplate: z.looseObject({ ForceUpdate: z.number().int().optional() }).optional(),
  }),
  UpdateStatus: z
    .looseObject({
      State: z.enum(['updating', 'paused', 'completed', 'rollback_started', 'rollback_paused', 'rollback_completed']).optional(),
      Message: z.string().optional(),
    })
    .optional(),
});

/** Items of `GET /tasks`. */
export const EngineTask = z.looseObject({
  ID: z.string(),
  ServiceID: z.string(),
  NodeID: z.string().optional(),
  Slot: z.number().int().optional(),
  DesiredState: z.string(),
  Status: z.looseObject({
    State: z.string(),
    Message: z.string().optional(),
    Err: z.string().optional(),
    Timestamp: z.string().optional(),
    ContainerStatus: z.looseObject({ ContainerID: z.string().optional() }).optional(),
  }),
});

/** `GET /networks/{id}` and `GET /secrets/{id}` (the name sits in different places). */
export const EngineNetwork = z.looseObject({ Id: z.string(), Name: z.string(), Labels });
export const EngineSecret = z.looseObject({ ID: z.string(), Spec: z.looseObject({ Name: z.string(), Labels }) });

/** `GET /info` (Swarm part). */
export const EngineInfo = z.looseObject({
  Swarm: z.looseObject({ NodeID: z.string().optional(), ControlAvailable: z.boolean().optional() }).optional(),
});

/** `GET /containers/{id}/json` (health part). */
export const EngineContainer = z.looseObject({
  State: z.looseObject({ Health: z.looseObject({ Status: z.string() }).optional() }).optional(),
});

/** One line of `GET /events`. */
export const EngineEvent = z.looseObject({
  Type: z.string(),
  Action: z.string(),
  Actor: z.looseObject({ ID: z.string(), Attributes: z.record(z.string(), z.string()).optional() }),
  timeNano: z.number().optional(),
});

/** `POST /services/create`, `/networks/create`, `/secrets/create` answers. */
export const EngineCreated = z.looseObject({ ID: z.string().optional(), Id: z.string().optional(), id: z.string().optional() });
