/** Work a feature must finish at shutdown, after HTTP has stopped and before the stores close. */
export type ShutdownHook = () => Promise<void> | void;

/** The shutdown hooks of one app; whoever closes the stores runs them first. */
export class ShutdownHooks {
  private readonly hooks: ShutdownHook[] = [];

  /** Registers a hook (background jobs stop here rather than by wrapping `stores.close`). */
  add(hook: ShutdownHook): void {
    this.hooks.push(hook);
  }

  /** Runs every hook once, the last registered first. */
  async run(): Promise<void> {
    for (const hook of this.hooks.splice(0).reverse()) await hook();
  }
}
