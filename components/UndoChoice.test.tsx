// @vitest-environment happy-dom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/preact';
import { afterEach, describe, expect, it } from 'vitest';
import { englishI18n } from './i18n-context';
import type { UndoSeconds } from '@/utils/shared/messages';
import { UndoChoice } from './UndoChoice';

afterEach(cleanup);

describe('UndoChoice (onboarding)', () => {
  it('preselects 10 s, stores it once the connection is saved, then follows changes made elsewhere', async () => {
    const saves: UndoSeconds[] = [];
    const preselected: boolean[] = [];
    let connected = false;
    const save = async (s: UndoSeconds, pre: boolean) => {
      saves.push(s);
      preselected.push(pre);
      return connected;
    };
    const { rerender } = render(<UndoChoice i18n={englishI18n} stored={{ seconds: 0, chosen: false }} revision={1} save={save} />);
    const ten = screen.getByRole('radio', { name: '10 seconds' }) as HTMLInputElement;
    await waitFor(() => expect(ten.checked).toBe(true));
    await screen.findByText('Chosen; it is stored once the connection settings are saved.');
    expect(saves).toEqual([10]);

    // The options tab saved the connection: the settings are read again and the waiting choice is stored.
    connected = true;
    rerender(<UndoChoice i18n={englishI18n} stored={{ seconds: 0, chosen: false }} revision={2} save={save} />);
    await screen.findByText('Undo window saved.');
    expect(saves).toEqual([10, 10]);
    rerender(<UndoChoice i18n={englishI18n} stored={{ seconds: 10, chosen: true }} revision={3} save={save} />);

    // Changed to Off in the options page: shown, not overwritten.
    rerender(<UndoChoice i18n={englishI18n} stored={{ seconds: 0, chosen: true }} revision={4} save={save} />);
    await waitFor(() => expect((screen.getByRole('radio', { name: /^Off/ }) as HTMLInputElement).checked).toBe(true));
    expect(saves).toEqual([10, 10]);

    fireEvent.click(screen.getByRole('radio', { name: '5 seconds' }));
    await waitFor(() => expect(saves).toEqual([10, 10, 5]));
    // The background is told which saves are only the preselection (it keeps a pick made elsewhere meanwhile).
    expect(preselected).toEqual([true, true, false]);
  });

  it('keeps a value already chosen', async () => {
    render(<UndoChoice i18n={englishI18n} stored={{ seconds: 30, chosen: true }} revision={1} save={async () => true} />);
    await waitFor(() => expect((screen.getByRole('radio', { name: '30 seconds' }) as HTMLInputElement).checked).toBe(true));
  });

  it('opened again after the agent chose Off: shows Off and stores nothing', async () => {
    const saves: UndoSeconds[] = [];
    render(
      <UndoChoice
        i18n={englishI18n}
        stored={{ seconds: 0, chosen: true }}
        revision={1}
        save={async (s) => {
          saves.push(s);
          return true;
        }}
      />,
    );
    await waitFor(() => expect((screen.getByRole('radio', { name: /^Off/ }) as HTMLInputElement).checked).toBe(true));
    // A later read of the settings (another tab saved something) does not bring the preselection back.
    await new Promise((r) => setTimeout(r, 20));
    expect(saves).toEqual([]);
  });

  it('a window picked in the options page while the preselection waited for the connection wins', async () => {
    const saves: UndoSeconds[] = [];
    const save = async (s: UndoSeconds) => {
      saves.push(s);
      return false;
    };
    const { rerender } = render(<UndoChoice i18n={englishI18n} stored={{ seconds: 0, chosen: false }} revision={1} save={save} />);
    await waitFor(() => expect(saves).toEqual([10]));
    rerender(<UndoChoice i18n={englishI18n} stored={{ seconds: 20, chosen: true }} revision={2} save={save} />);
    await waitFor(() => expect((screen.getByRole('radio', { name: '20 seconds' }) as HTMLInputElement).checked).toBe(true));
    expect(saves).toEqual([10]);
  });
});
