import express, { Router } from 'express';
import type { RecordStore } from '../../storage/types.js';
import { activitiesRouter } from './activities.js';
import { agentsRouter } from './agents.js';
import { DOCUMENT_RESOURCES, documentResource } from './resource.js';

/** What the document resources need. */
export interface DocumentsDeps {
  record: RecordStore;
  bodyLimit: string;
}

/**
 * The xAPI document resources (State, Activity Profile, Agent Profile) and the Agents and Activities
 * resources. Document bodies of any type are read as raw bytes, JSON included, so GET serves exactly
 * what was stored and the ETag is the SHA-1 of those bytes. Mount it before any JSON body parser.
 */
export function documentsRouter(deps: DocumentsDeps): Router {
  const router = Router();
  const paths = DOCUMENT_RESOURCES.map((r) => r.path);
  router.use(paths, express.raw({ limit: deps.bodyLimit, type: () => true }));
  for (const spec of DOCUMENT_RESOURCES) router.use(documentResource(spec, deps.record));
  router.use(agentsRouter(deps.record));
  router.use(activitiesRouter(deps.record));
  return router;
}
