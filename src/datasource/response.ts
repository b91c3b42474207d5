/**
 * The queries of one request, each answered or waiting, as the DataQueryResponse Grafana gets next: Loading (the
 * frames so far and a "parsing" frame for each query still waiting) while any waits, then Done (every frame, in the
 * targets' order, and the errors). Errors are held back until the end, as any `errors` turn Grafana's panel state to
 * Error at once. Pure.
 */
import { DataFrame, DataQueryError, DataQueryResponse, LoadingState } from '@grafana/data';
import { parsingFrame } from './parsing-frame';
import { Wait } from './retry';
import { FlameScopeQuery } from './types';

/** Where one query (by its index in the request) stands. */
export type TargetState =
  { index: number; frame: DataFrame } | { index: number; error: DataQueryError } | { index: number; wait: Wait };

/** The response for these states, or undefined when there is nothing new to say (a query answered, others pending). */
export function combineTargets(
  targets: FlameScopeQuery[],
  states: Array<TargetState | undefined>
): DataQueryResponse | undefined {
  const frames: DataFrame[] = [];
  const errors: DataQueryError[] = [];
  const waiting: DataFrame[] = [];
  for (const state of states) {
    if (state && 'frame' in state) {
      frames.push(state.frame);
    } else if (state && 'error' in state) {
      errors.push(state.error);
    } else if (state && 'wait' in state) {
      waiting.push(parsingFrame(targets[state.index].refId, state.wait));
    }
  }
  if (frames.length + errors.length === targets.length) {
    return errors.length > 0
      ? { data: frames, errors, state: LoadingState.Error }
      : { data: frames, state: LoadingState.Done };
  }
  return waiting.length > 0 ? { data: [...frames, ...waiting], state: LoadingState.Loading } : undefined;
}
