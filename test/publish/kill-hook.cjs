// Preloaded into the CLI by the crash test (NODE_OPTIONS=--require …): kills the process with SIGKILL just
// before the Nth entry of the call journal is written (IP_POST_TEST_KILL_AT), i.e. right before a remote
// call or right after one returned, before its outcome is recorded. Production code knows nothing of it.
const Module = require('node:module');
const killAt = Number(process.env.IP_POST_TEST_KILL_AT);
let journalled = 0;
const load = Module._load;
Module._load = function (request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (request !== 'better-sqlite3' || loaded.__killHook) return loaded;
  const prepare = loaded.prototype.prepare;
  loaded.prototype.prepare = function (sql) {
    const statement = prepare.call(this, sql);
    if (!/^INSERT INTO calls/.test(sql)) return statement;
    const run = statement.run;
    statement.run = function (...args) {
      journalled += 1;
      if (journalled === killAt) process.kill(process.pid, 'SIGKILL');
      return run.apply(this, args);
    };
    return statement;
  };
  loaded.__killHook = true;
  return loaded;
};
