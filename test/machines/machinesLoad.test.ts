/**
 * The machine modules load and build their statecharts. Imported inside the tests
 * on purpose: a machine whose config cannot be built (a wrong `initial`, a lost
 * `id` that `#id.state` targets need) throws while its module loads, and a throw
 * at a test file's top level fails no test, so a mutation run would count it as
 * survived. Here it fails these tests.
 */
import { describe, expect, it } from 'vitest';

describe('the machine modules load', () => {
  it('sseMachine: id sse, starts idle, a session starts at stream.connecting', async () => {
    const { sseMachine } = await import('../../machines/sse.js');
    expect(sseMachine.id).toBe('sse');
    expect(sseMachine.root.id).toBe('sse');
    expect(sseMachine.root.initial.target.map((s) => s.id)).toEqual(['sse.idle']);
    expect(sseMachine.getStateNodeById('sse.session').initial.target.map((s) => s.id)).toEqual(['sse.session.stream']);
    expect(sseMachine.getStateNodeById('sse.session.stream').initial.target.map((s) => s.id)).toEqual(['sse.session.stream.connecting']);
  });

  it('webSocketMachine: id websocket, starts idle, a session starts at link.connecting', async () => {
    const { webSocketMachine } = await import('../../machines/websocket.js');
    expect(webSocketMachine.id).toBe('websocket');
    expect(webSocketMachine.root.id).toBe('websocket');
    expect(webSocketMachine.root.initial.target.map((s) => s.id)).toEqual(['websocket.idle']);
    expect(webSocketMachine.getStateNodeById('websocket.session').initial.target.map((s) => s.id)).toEqual(['websocket.session.link']);
    expect(webSocketMachine.getStateNodeById('websocket.session.link').initial.target.map((s) => s.id)).toEqual(['websocket.session.link.connecting']);
    const connected = webSocketMachine.getStateNodeById('websocket.session.link.connected');
    expect(connected.states.activity!.initial.target.map((s) => s.key)).toEqual(['idle']);
    expect(connected.states.heartbeat!.initial.target.map((s) => s.key)).toEqual(['resting']);
  });
});
