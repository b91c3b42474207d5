import React from 'react';
import { act, fireEvent, render, screen } from '@testing-library/react';
import { FlameNode, FrameKind } from '../model';
import { FlameGraphArea } from './FlameGraphArea';
import { installRecordingCanvas } from './testCanvas';

function node(name: string, value: number, kind: FrameKind, children: FlameNode[] = []): FlameNode {
  return { name, value, kind, children };
}

const TREE = node('all', 100, 'root', [
  node('java', 70, 'thread', [node('main', 60, 'user', [node('parse', 40, 'user'), node('render', 20, 'user')])]),
  node('kworker', 30, 'thread', [node('parse', 30, 'kernel')]),
]);

beforeEach(() => {
  installRecordingCanvas();
});

afterEach(() => {
  jest.restoreAllMocks();
});

function tableRows(): HTMLElement[] {
  return Array.from(document.querySelectorAll<HTMLElement>('tbody tr[data-index]'));
}

describe('FlameGraphArea', () => {
  it('shows the graph alone, the table alone, or both', async () => {
    render(<FlameGraphArea root={TREE} width={1200} height={500} />);
    expect(screen.getAllByRole('application')).toHaveLength(1);
    expect(screen.queryByRole('table')).toBeNull();

    fireEvent.click(screen.getByRole('radio', { name: 'Table' }));
    await screen.findByRole('table');
    expect(screen.queryByRole('application')).toBeNull();

    fireEvent.click(screen.getByRole('radio', { name: 'Both' }));
    await screen.findByRole('table');
    expect(screen.getAllByRole('application')).toHaveLength(1);
  });

  it('a row click highlights that function in the graph, and a second click clears it', async () => {
    render(<FlameGraphArea root={TREE} width={1200} height={500} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Both' }));
    await screen.findByRole('table');
    const parse = tableRows().find((r) => r.querySelector('td')!.textContent!.startsWith('parse'))!;
    fireEvent.click(parse);
    expect(screen.getByText('parse', { selector: 'strong' })).toBeInTheDocument();
    fireEvent.click(parse);
    expect(screen.queryByText('parse', { selector: 'strong' })).toBeNull();
  });

  it('opens the sandwich of a function from its row, with callers and callees, and closes it', async () => {
    render(<FlameGraphArea root={TREE} width={1200} height={500} />);
    fireEvent.click(screen.getByRole('radio', { name: 'Table' }));
    await screen.findByRole('table');
    fireEvent.click(screen.getByRole('button', { name: 'Sandwich view of parse' }));
    // Callers above and callees below: two graphs, and the table is gone.
    await act(async () => {
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(screen.queryByRole('table')).toBeNull();
    expect(screen.getAllByRole('application')).toHaveLength(2);
    fireEvent.click(screen.getAllByRole('button', { name: /close/i })[0]);
    await screen.findByRole('table');
  });
});
