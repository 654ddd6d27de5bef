/**
 * What the server remembers of its demo courses, in the record store's tool data: which class each is,
 * when it starts (so a seeding resumed after an interruption sends the same statements), and whether it
 * is ready. A course is a demo course only if it has a record here.
 */
import type { KeyedRecordRepository } from '../storage/types.js';
import { DEMO_TENANT, type DemoOptions } from './course.js';

const COLLECTION = 'kairos:demo';

/** A demo course as the server keeps it. */
export interface DemoRecord {
  course: string;
  title: string;
  options: DemoOptions;
  /** ISO time the simulated class starts (see `demoStart`). */
  start: string;
  state: 'seeding' | 'ready';
  /** Statements of the class (set once ready). */
  statements?: number;
  createdAt: string;
  readyAt?: string;
}

const match = (course: string) => ({ tenantId: DEMO_TENANT, course });

/** The record of one demo course, if it was ever seeded (or started to be). */
export async function demoRecord(
  keyed: KeyedRecordRepository,
  course: string,
): Promise<DemoRecord | undefined> {
  return (await keyed.find(COLLECTION, match(course)))[0]?.data as DemoRecord | undefined;
}

/** Writes the record of a demo course (creates or replaces it). */
export async function saveDemoRecord(keyed: KeyedRecordRepository, record: DemoRecord): Promise<void> {
  await keyed.replace(COLLECTION, match(record.course), {
    collection: COLLECTION,
    fields: match(record.course),
    data: record,
    createdAt: record.createdAt,
  });
}
