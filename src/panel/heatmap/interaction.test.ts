import { Selection } from '../model';
import { Interaction, InteractionEvents } from './interaction';
import { makeGrid, START } from './testUtils';

function setup() {
  const commits: Array<Selection | undefined> = [];
  const events: InteractionEvents = {
    onChange: jest.fn(),
    onCommit: (s) => commits.push(s),
    onPoint: jest.fn(),
    onPending: jest.fn(),
  };
  return { interaction: new Interaction(makeGrid(10, 50), events), commits, events };
}

describe('Interaction', () => {
  it('drag: press, move to another cell, release', () => {
    const { interaction, commits } = setup();
    interaction.pointerDown({ column: 5, row: 3 });
    interaction.pointerMove({ column: 4, row: 10 });
    // The brush previews in time order while dragging.
    expect(interaction.shown()).toMatchObject({ fromMs: START + 4200, toMs: START + 5080 });
    interaction.pointerUp({ column: 4, row: 10 });
    expect(commits).toEqual([expect.objectContaining({ fromMs: START + 4200, toMs: START + 5080 })]);
    expect(interaction.pending).toBeUndefined();
  });

  it('FlameScope’s clicks: start, a hover preview, then the end', () => {
    const { interaction, commits, events } = setup();
    interaction.pointerDown({ column: 2, row: 0 });
    interaction.pointerUp({ column: 2, row: 0 });
    expect(interaction.pending).toEqual({ column: 2, row: 0 });
    expect(events.onPending).toHaveBeenLastCalledWith({ column: 2, row: 0 });
    interaction.pointerMove({ column: 1, row: 49 });
    expect(interaction.shown()).toMatchObject({ fromMs: START + 1980, toMs: START + 2020 });
    expect(commits).toHaveLength(0);
    interaction.pointerDown({ column: 1, row: 49 });
    interaction.pointerUp({ column: 1, row: 49 });
    expect(commits).toEqual([expect.objectContaining({ fromMs: START + 1980, toMs: START + 2020 })]);
    expect(events.onPending).toHaveBeenLastCalledWith(undefined);
  });

  it('keyboard: arrows move the cursor, Enter sets start then end, Escape clears', () => {
    const { interaction, commits } = setup();
    interaction.focus();
    expect(interaction.cursor).toEqual({ column: 0, row: 0 });
    expect(interaction.key('ArrowRight')).toBe(true);
    expect(interaction.key('ArrowUp', true)).toBe(true);
    expect(interaction.cursor).toEqual({ column: 1, row: 10 });
    interaction.key('Enter');
    interaction.key('ArrowUp');
    interaction.key(' ');
    expect(commits).toEqual([expect.objectContaining({ fromMs: START + 1200, toMs: START + 1240 })]);
    expect(interaction.key('Escape')).toBe(true);
    expect(commits[1]).toBeUndefined();
    expect(commits).toHaveLength(2);
    // Nothing left to clear: Escape is not ours.
    expect(interaction.key('Escape')).toBe(false);
    expect(interaction.key('x')).toBe(false);
  });
});
