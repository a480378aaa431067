import { describe, expect, it } from '@jest/globals';
import { readOptions } from './options.js';

describe('readOptions', () => {
  it('defaults to the target load: 5,000 connections (100 agents), 1,000 messages/s, 30 s after 5 s', () => {
    expect(readOptions([], {})).toMatchObject({
      connections: 5000,
      agents: 100,
      customers: 4900,
      rate: 1000,
      durationSeconds: 30,
      warmupSeconds: 5,
      targets: ['relay', 'system'],
    });
  });

  it('reads arguments before the environment', () => {
    const options = readOptions(['--connections=1000', '--duration-s=5', '--targets=relay'], {
      CONNECTIONS: '9000',
      RATE: '200',
    });
    expect(options).toMatchObject({
      connections: 1000,
      agents: 20,
      customers: 980,
      rate: 200,
      durationSeconds: 5,
      targets: ['relay'],
    });
  });

  it('refuses what it cannot run', () => {
    expect(() => readOptions(['--rate=fast'], {})).toThrow('RATE must be a number');
    expect(() => readOptions(['--connections=1000', '--agents=5'], {})).toThrow('need at least 10 agents');
    expect(() => readOptions(['--targets=relay,mars'], {})).toThrow('unknown target mars');
    expect(() => readOptions(['connections=5'], {})).toThrow('--name=value');
  });
});
