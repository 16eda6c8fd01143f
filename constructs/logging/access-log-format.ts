import { ACCESS_LOG_FIELDS } from '../model/log-contract';

/**
 * The Gateway's access log line: one JSON object per request on the proxy's stdout, with Envoy's
 * command operators. The app's namespace is not an Envoy operator; Fluent Bit takes it from the route
 * name, which Envoy Gateway builds as `httproute/<namespace>/<name>/rule/…`.
 */
export const ACCESS_LOG_JSON: Readonly<Record<string, string>> = {
  start_time: '%START_TIME%',
  [ACCESS_LOG_FIELDS.host]: '%REQ(:AUTHORITY)%',
  [ACCESS_LOG_FIELDS.route]: '%ROUTE_NAME%',
  [ACCESS_LOG_FIELDS.method]: '%REQ(:METHOD)%',
  [ACCESS_LOG_FIELDS.path]: '%REQ(X-ENVOY-ORIGINAL-PATH?:PATH)%',
  [ACCESS_LOG_FIELDS.status]: '%RESPONSE_CODE%',
  response_flags: '%RESPONSE_FLAGS%',
  [ACCESS_LOG_FIELDS.durationMs]: '%DURATION%',
  [ACCESS_LOG_FIELDS.bytesSent]: '%BYTES_SENT%',
  [ACCESS_LOG_FIELDS.clientIp]: '%DOWNSTREAM_REMOTE_ADDRESS_WITHOUT_PORT%',
  user_agent: '%REQ(USER-AGENT)%',
  request_id: '%REQ(X-REQUEST-ID)%',
};

/** EnvoyProxy `spec.telemetry` that writes that line to stdout, where Fluent Bit tails it. */
export const ACCESS_LOG_TELEMETRY = {
  accessLog: {
    settings: [
      {
        format: { type: 'JSON', json: ACCESS_LOG_JSON },
        sinks: [{ type: 'File', file: { path: '/dev/stdout' } }],
      },
    ],
  },
};
