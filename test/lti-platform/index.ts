import { randomUUID } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import express, { type Express } from 'express';
import { launchClaims } from './claims.js';
import { newSigningKey, type SigningKey, signJwt } from './keys.js';
import { courseLaunchPage, formPostPage } from './pages.js';
import { serviceRoutes } from './services.js';
import type {
  DeepLinkResult,
  LaunchSpec,
  LineItem,
  PlatformCourse,
  PlatformUser,
  ReceivedScore,
  ToolRegistration,
} from './state.js';

export { newSigningKey, signJwt } from './keys.js';
export type * from './state.js';

/** What a course module launches (Moodle's `lti` instance behind a cmid). */
export type ModuleSpec = Pick<LaunchSpec, 'course' | 'clientId' | 'resourceLink' | 'lineItemId' | 'custom'>;

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

/** Options of {@link createTestPlatform}. */
export interface TestPlatformOptions {
  /** Host name the platform is reached at (e.g. `lms.test` for browser tests); default 127.0.0.1. */
  publicHost?: string;
  /** Answer the first N score posts with 503 (retry tests). */
  failScores?: number;
  /** Serve HTTPS with this key and certificate (browser tests: Secure, Partitioned cookies). */
  tls?: { key: string; cert: string };
}

/** A running (or startable) LTI 1.3 test platform. */
export interface TestPlatform {
  app: Express;
  /** `iss` of the platform; set by {@link TestPlatform.start}. */
  issuer: string;
  key: SigningKey;
  tools: ToolRegistration[];
  course: PlatformCourse;
  users: {
    learner: PlatformUser;
    learner2: PlatformUser;
    instructor: PlatformUser;
    neverStarted: PlatformUser;
  };
  lineItems: LineItem[];
  scores: ReceivedScore[];
  deepLinks: DeepLinkResult[];
  options: TestPlatformOptions;
  /** Registration tokens the platform accepts at `/register` (dynamic registration). */
  registrationTokens: Set<string>;
  /** Tokens of registration updates (Moodle's "Update" of a registered tool): token → client id. */
  registrationUpdates: Map<string, string>;
  /** Pending launches by `lti_message_hint`; each hint is good for one authorization request, as in Moodle. */
  pending: Map<string, LaunchSpec>;
  /** Course modules (Moodle's cmid) by resource link id: what `/mod/lti/launch.php?id=` launches. */
  modules: Map<number, ModuleSpec>;
  /** How many times the platform JWKS was fetched. */
  jwksFetches: number;
  /** Signs with a new key from now on (the JWKS publishes only the new one). */
  rotateKey(): Promise<void>;
  start(port?: number): Promise<string>;
  close(): Promise<void>;
  /** Registers a tool by hand (as an LMS administrator would) and returns it. */
  addTool(
    tool: Omit<ToolRegistration, 'clientId' | 'deploymentIds' | 'scopes'> & Partial<ToolRegistration>,
  ): ToolRegistration;
  /** The tool's login initiation URL for a launch (what the LMS puts in the iframe). */
  loginUrl(spec: LaunchSpec): string;
  /** The login initiation parameters of a new launch (a fresh single-use `lti_message_hint`). */
  loginParams(spec: LaunchSpec): { tool: ToolRegistration; params: Record<string, string> };
  /** The course module id (Moodle's cmid) of a resource link, created on first use. */
  cmidOf(spec: LaunchSpec): number;
  /**
   * The URL an LMS administrator's browser opens to register the tool dynamically; with `update`, to
   * register an already registered tool again (Moodle 4.3: the tool's "Update" — same client id and tool).
   */
  registrationUrl(toolRegisterUrl: string, options?: { update?: string }): string;
  /** The id_token the platform would issue (tests that forge or replay). */
  idToken(spec: LaunchSpec, nonce: string, key?: SigningKey): Promise<string>;
  /** Creates a line item in the course (as a teacher adding a graded activity would). */
  addLineItem(item: Omit<LineItem, 'id' | 'contextId'>): LineItem;
}

const person = (id: string, given: string, family: string, roles: string[]): PlatformUser => ({
  id,
  givenName: given,
  familyName: family,
  name: `${given} ${family}`,
  email: `${given.toLowerCase()}@lms.test`,
  roles,
});

/**
 * Creates the in-repo LTI 1.3 platform: RS256 keys and JWKS, OIDC login initiation and authorization endpoint
 * signing id_tokens, client-credentials token endpoint, AGS and NRPS, deep linking return, dynamic registration.
 *
 * @example
 * const lms = await createTestPlatform();
 * await lms.start();
 * const tool = lms.addTool({ name: 'Kairos', loginUrl, redirectUris: [launchUrl], targetLinkUri: launchUrl, jwksUrl });
 */
export async function createTestPlatform(options: TestPlatformOptions = {}): Promise<TestPlatform> {
  const key = await newSigningKey();
  const learner = person('u-learner-1', 'Ada', 'Lovelace', [`${LIS}Learner`]);
  const learner2 = person('u-learner-2', 'Alan', 'Turing', ['Learner']);
  const neverStarted = person('u-learner-3', 'Grace', 'Hopper', [
    'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner',
  ]);
  const instructor = person('u-teacher-1', 'Marie', 'Curie', [
    `${LIS}Instructor`,
    'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty',
  ]);
  let server: Server | undefined;
  const platform: TestPlatform = {
    app: express(),
    issuer: '',
    key,
    tools: [],
    course: {
      id: 'course-101',
      label: 'ALG101',
      title: 'Algebra 101',
      members: [learner, learner2, neverStarted, instructor],
    },
    users: { learner, learner2, instructor, neverStarted },
    lineItems: [],
    scores: [],
    deepLinks: [],
    options,
    registrationTokens: new Set(),
    registrationUpdates: new Map(),
    pending: new Map(),
    modules: new Map(),
    jwksFetches: 0,
    async rotateKey() {
      platform.key = await newSigningKey();
    },
    async start(port = 0) {
      server = options.tls ? createHttpsServer(options.tls, platform.app) : createHttpServer(platform.app);
      server.listen(port, '127.0.0.1');
      await new Promise((r) => server!.once('listening', r));
      const actual = (server.address() as AddressInfo).port;
      platform.issuer = `${options.tls ? 'https' : 'http'}://${options.publicHost ?? '127.0.0.1'}:${actual}`;
      return platform.issuer;
    },
    async close() {
      if (!server) return;
      server.closeAllConnections();
      await new Promise((r) => server!.close(r));
    },
    addTool(tool) {
      const registered: ToolRegistration = {
        clientId: randomUUID(),
        // Moodle's deployment id is the tool type id: one per tool on the site.
        deploymentIds: [String(platform.tools.length + 1)],
        scopes: [],
        ...tool,
      };
      platform.tools.push(registered);
      return registered;
    },
    loginParams(spec) {
      const tool = platform.tools.find((t) => t.clientId === spec.clientId) ?? platform.tools.at(-1);
      if (!tool) throw new Error('register a tool first');
      // Moodle's hint (mod/lti/locallib.php lti_build_login_request): JSON with the cmid of an activity and a
      // launch id kept in the user's session until auth.php reads it once.
      const rand = randomUUID().slice(0, 8);
      const hint =
        spec.messageType === 'LtiDeepLinkingRequest'
          ? JSON.stringify({ launchid: `ltilaunch_ContentItemSelectionRequest${rand}` })
          : JSON.stringify({
              cmid: platform.cmidOf(spec),
              launchid: `ltilaunch${platform.cmidOf(spec)}_${rand}`,
            });
      platform.pending.set(hint, { ...spec, clientId: tool.clientId });
      const params: Record<string, string> = {
        iss: platform.issuer,
        login_hint: spec.user.id,
        target_link_uri: spec.targetLinkUri ?? tool.targetLinkUri,
        lti_message_hint: hint,
        client_id: tool.clientId,
        lti_deployment_id: spec.deploymentId ?? tool.deploymentIds[0]!,
      };
      if (spec.storageTarget) params.lti_storage_target = spec.storageTarget;
      return { tool, params };
    },
    loginUrl(spec) {
      const { tool, params } = platform.loginParams(spec);
      const url = new URL(tool.loginUrl);
      for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
      return url.toString();
    },
    cmidOf(spec) {
      const linkId = spec.resourceLink?.id;
      for (const [cmid, m] of platform.modules) if (linkId && m.resourceLink?.id === linkId) return cmid;
      const cmid = 100 + platform.modules.size + 1;
      const { course, clientId, resourceLink, lineItemId, custom } = spec;
      platform.modules.set(cmid, { course, clientId, resourceLink, lineItemId, custom });
      return cmid;
    },
    registrationUrl(toolRegisterUrl, options = {}) {
      const token = randomUUID();
      if (options.update) platform.registrationUpdates.set(token, options.update);
      else platform.registrationTokens.add(token);
      const url = new URL(toolRegisterUrl);
      url.searchParams.set('openid_configuration', `${platform.issuer}/.well-known/openid-configuration`);
      url.searchParams.set('registration_token', token);
      return url.toString();
    },
    async idToken(spec, nonce, signWith) {
      const tool = platform.tools.find((t) => t.clientId === spec.clientId) ?? platform.tools.at(-1)!;
      return signJwt(
        signWith ?? platform.key,
        launchClaims(platform.issuer, tool, spec, nonce, platform.lineItems),
      );
    },
    addLineItem(item) {
      const created: LineItem = { ...item, id: randomUUID(), contextId: platform.course.id };
      platform.lineItems.push(created);
      return created;
    },
  };

  const app = platform.app;
  app.set('query parser', 'simple');
  app.use(express.urlencoded({ extended: false }));
  app.use(express.json({ type: ['application/json', 'application/*+json'] }));

  app.get('/jwks', (_req, res) => {
    platform.jwksFetches++;
    res.json({ keys: [platform.key.publicJwk] });
  });

  // OIDC authorization endpoint (LTI 1.3 core §5.1.1.2): the tool's login redirects the browser here.
  app.all('/auth', async (req, res) => {
    const p = { ...req.query, ...(req.body ?? {}) } as Record<string, string>;
    const tool = platform.tools.find((t) => t.clientId === p.client_id);
    if (!tool) return void res.status(400).send(`unknown client_id ${p.client_id}`);
    if (!tool.redirectUris.includes(p.redirect_uri!)) {
      return void res.status(400).send(`invalid redirect_uri ${p.redirect_uri}`);
    }
    if (p.response_type !== 'id_token' || p.scope !== 'openid' || p.response_mode !== 'form_post') {
      return void res
        .status(400)
        .send('response_type=id_token, scope=openid and response_mode=form_post required');
    }
    if (!p.nonce || !p.state) return void res.status(400).send('nonce and state required');
    // One use per hint, as Moodle's auth.php (it unsets the launch id from the session on first use).
    const spec = platform.pending.get(p.lti_message_hint ?? '');
    platform.pending.delete(p.lti_message_hint ?? '');
    if (!spec) return void res.status(404).send('Invalid request');
    if (spec.user.id !== p.login_hint) return void res.status(400).send('unknown login_hint');
    const idToken = await platform.idToken(spec, p.nonce);
    res.type('html').send(formPostPage(p.redirect_uri!, { id_token: idToken, state: p.state }));
  });

  // The signed-in user of the LMS: a first-party session cookie, as Moodle's MoodleSession.
  const sessionUser = (req: express.Request) => {
    const id = /(?:^|;\s*)lms_user=([^;]+)/.exec(req.get('cookie') ?? '')?.[1];
    return Object.values(platform.users).find((u) => u.id === decodeURIComponent(id ?? ''));
  };
  /** Moodle's launch page: an auto-submitting POST of the login initiation (lti_initiatelogin). */
  const initiateLogin = (res: express.Response, spec: LaunchSpec) => {
    const { tool, params } = platform.loginParams(spec);
    res.type('html').send(formPostPage(tool.loginUrl, params));
  };

  // Browser tests: a course page of the LMS that frames the tool's login initiation, with platform storage;
  // `dl=1` frames a deep linking request (Moodle's "Select content" dialog).
  app.get('/course/launch', (req, res) => {
    const user = Object.values(platform.users).find((u) => u.id === req.query.user) ?? learner;
    const storage = req.query.storage === '1';
    const src = platform.loginUrl({
      user,
      course: platform.course,
      ...(req.query.dl === '1'
        ? { messageType: 'LtiDeepLinkingRequest' as const }
        : {
            resourceLink: { id: String(req.query.link ?? 'link-1'), title: 'Quiz 1' },
            custom: req.query.activity ? { activity: String(req.query.activity) } : undefined,
          }),
      storageTarget: storage ? '_parent' : undefined,
    });
    res.cookie('lms_user', user.id, { httpOnly: true, sameSite: 'lax', path: '/' });
    res.type('html').send(courseLaunchPage(src, platform.issuer));
  });

  // Moodle's /mod/lti/launch.php?id=<cmid>: a new launch of an activity for the signed-in user.
  app.get('/mod/lti/launch.php', (req, res) => {
    const user = sessionUser(req);
    const module = platform.modules.get(Number(req.query.id));
    if (!user) return void res.status(401).send('You are not logged in');
    if (!module) return void res.status(404).send('Invalid course module ID');
    initiateLogin(res, { ...module, user });
  });

  // Moodle's /mod/lti/contentitem.php?id=<tool type id>&course=<course id>: a new deep linking request.
  app.get('/mod/lti/contentitem.php', (req, res) => {
    const user = sessionUser(req);
    if (!user) return void res.status(401).send('You are not logged in');
    const tool = platform.tools.find((t) => t.deploymentIds.includes(String(req.query.id)));
    if (!tool || req.query.course !== platform.course.id) return void res.status(404).send('Invalid request');
    initiateLogin(res, {
      user,
      course: platform.course,
      clientId: tool.clientId,
      deploymentId: String(req.query.id),
      messageType: 'LtiDeepLinkingRequest',
    });
  });

  app.use(serviceRoutes(platform));
  return platform;
}
