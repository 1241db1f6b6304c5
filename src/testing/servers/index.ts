export { FaultWebSocketServer, idAck, idAckDelivery } from './FaultWebSocketServer.js';
export type { AckProtocol, FaultWebSocketServerOptions, ReceivedFrame, ServerSideSocket } from './FaultWebSocketServer.js';
export { FlakyHttpServer } from './FlakyHttpServer.js';
export type { FlakyHttpServerOptions, HttpStep, RecordedHttpRequest } from './FlakyHttpServer.js';
export { FaultSseServer, formatSseEvent } from './FaultSseServer.js';
export type { FaultSseServerOptions, SseEvent, SseRequestRecord } from './FaultSseServer.js';
export { waitUntil } from './waitUntil.js';
