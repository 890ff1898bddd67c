/**
 * Public entry of the platform: what every part's bootstrap needs, once. Parts import from here;
 * the platform imports no part. The MySQL test kit is apart, in test-kit/, for tests only.
 */
export { parseDatabaseUrl, redactDatabaseUrl, DatabaseUrlError, type DatabaseTarget, type DatabaseUrlProblem } from './db/database-url';
export { openDatabase, type DatabaseOptions } from './db/open-database';
export { isAlreadyExists, isDeadlock, isDuplicateColumn, isPrimaryKeyViolation, isUniqueViolation } from './db/driver-errors';
export { runMigrations, type MigrationPlan, type NamedMigration } from './db/migrations';
export { describeIssues, fieldIssues, fieldPath, storedBoolean, storedInteger, storedJson, storedNumber } from './db/stored-values';
export { bodyFailureOf, type BodyFailure, type BodyFailureCode } from './http/body-errors';
export { notFoundProblem, problemResponder, type ProblemMapper } from './http/error-responder';
export { healthHandler, type Pingable } from './http/health';
export { HTTP_PROBLEMS, type HttpProblemCode } from './http/http-problems';
export { Problem, problemBody, sendProblem, PROBLEM_TYPE_PREFIX, type FieldIssue, type ProblemBody, type ProblemExtras, type ProblemKind } from './http/problem';
export { requestIdFrom } from './http/request-id';
export { requestLog, type RequestLogFields } from './http/request-log';
export { isShadowRequest, markShadow, SHADOW_HEADER } from './http/shadow-marker';
export { createJsonLogger, type JsonLoggerOptions } from './log/json-logger';
export { currentRequestId, withRequestId } from './log/request-context';
export { silentLogger, type Logger } from './log/logger';
export { newSpanId, newTraceId } from './trace/ids';
export { formatTraceparent, isSampled, parseTraceparent, parseTracestate, type TraceParent } from './trace/trace-context';
export { tracingWanted } from './trace/service-spans';
export { continueTrace, currentTrace, runInTrace, traceHeaders, UNDECIDED_FLAGS, type ServiceTrace } from './trace/trace-scope';
export { startHttpServer, type HttpServerOptions, type RunningHttpServer } from './server/http-server';
export { closeOnSignals, type ShutdownOptions } from './server/shutdown';
export { integerArg } from './service/integer-arg';
export { runServiceCli, serviceProgram, type BackgroundWork, type ServiceDatabase, type ServiceDefinition, type ServiceDeps, type ServiceParts } from './service/service-main';
