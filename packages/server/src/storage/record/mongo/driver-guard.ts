import { createRequire } from 'node:module';

/**
 * The part of the MongoDB driver's internal `Connection` class the guard relies on (driver 6.x and 7.x,
 * `mongodb/lib/cmap/connection.js`).
 */
interface DriverConnection {
  id: number | string;
  address: string;
  closed: boolean;
  error: Error | null;
  socket: { destroyed: boolean };
  onError(error: Error): void;
  once(event: string, listener: () => void): void;
  off(event: string, listener: () => void): void;
  writeCommand(command: unknown, options: unknown): Promise<void>;
}

interface DriverConnectionClass {
  prototype: DriverConnection;
  CLOSE: string;
}

const GUARDED = Symbol.for('kairos.mongo.writeGuard');

/**
 * The driver's `Connection` class, from the very copy of the `mongodb` package that mongoose loads (the
 * server depends on mongoose, not on `mongodb` directly, and ltijs brings an older copy of its own).
 */
function driverModules(): {
  Connection: DriverConnectionClass;
  MongoNetworkError: new (message: string) => Error;
} {
  const fromMongoose = createRequire(createRequire(import.meta.url).resolve('mongoose'));
  const { Connection } = fromMongoose('mongodb/lib/cmap/connection.js') as {
    Connection: DriverConnectionClass;
  };
  const { MongoNetworkError } = fromMongoose('mongodb') as {
    MongoNetworkError: new (message: string) => Error;
  };
  return { Connection, MongoNetworkError };
}

/**
 * Makes the MongoDB driver fail a write on a connection that closes, instead of waiting forever.
 *
 * The driver's `Connection.writeCommand` (6.20, and still 7.9) writes to the socket and, when the write
 * returns `false`, waits for the socket's `drain` event — with no deadline unless client-side operation
 * timeouts are on. A socket that the peer has just closed returns `false` and never drains. When that
 * socket is the server monitor's, its heartbeat never ends: the server stays Unknown, every operation fails
 * its server selection, and the process never resumes after a MongoDB restart (measured against FerretDB;
 * docs/operations/faults.md). The guard races each write with the connection's close (which the driver
 * emits on a socket error, close or timeout), so the write fails with the connection's own error and the
 * monitor reconnects. Idempotent; returns false when the driver no longer has the shape it patches, so the
 * test of the guard notices a driver upgrade.
 */
export function guardMongoDriverWrites(): boolean {
  const { Connection, MongoNetworkError } = driverModules();
  const proto = Connection.prototype as DriverConnection & { [GUARDED]?: true };
  if (proto[GUARDED]) return true;
  if (typeof proto.writeCommand !== 'function' || typeof Connection.CLOSE !== 'string') return false;
  const write = proto.writeCommand;
  const closedError = (conn: DriverConnection) =>
    conn.error ?? new MongoNetworkError(`connection ${conn.id} to ${conn.address} closed`);
  proto.writeCommand = async function guardedWriteCommand(this: DriverConnection, command, options) {
    if (this.closed || this.socket.destroyed) {
      const error = closedError(this);
      this.onError(error);
      throw error;
    }
    let onClose = () => {};
    const closed = new Promise<never>((_, reject) => {
      onClose = () => reject(closedError(this));
      this.once(Connection.CLOSE, onClose);
    });
    try {
      const writing = write.call(this, command, options);
      // a write that loses the race may still settle later: that is not an unhandled rejection
      writing.catch(() => {});
      return await Promise.race([writing, closed]);
    } finally {
      this.off(Connection.CLOSE, onClose);
    }
  };
  proto[GUARDED] = true;
  return true;
}
