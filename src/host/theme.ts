/**
 * The page's Grafana theme, light or dark: the visitor's choice (kept in localStorage), else the system's
 * (prefers-color-scheme, followed live). Fonts are the system's: Grafana serves Inter and Roboto Mono from its own
 * public folder, which a page without Grafana does not have.
 */
import { createTheme, GrafanaTheme2 } from '@grafana/data';
import { useCallback, useEffect, useState } from 'react';

export type ThemeMode = 'light' | 'dark';

const STORAGE_KEY = 'flamescope.theme';
const DARK_QUERY = '(prefers-color-scheme: dark)';
const SYSTEM_FONTS = 'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif';
const MONO_FONTS = 'ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace';

export function hostTheme(mode: ThemeMode): GrafanaTheme2 {
  return createTheme({ colors: { mode }, typography: { fontFamily: SYSTEM_FONTS, fontFamilyMonospace: MONO_FONTS } });
}

function storedMode(): ThemeMode | undefined {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return v === 'light' || v === 'dark' ? v : undefined;
  } catch {
    return undefined;
  }
}

function systemMode(): ThemeMode {
  return window.matchMedia?.(DARK_QUERY).matches ? 'dark' : 'light';
}

export function useThemeMode(): [ThemeMode, () => void] {
  const [chosen, setChosen] = useState<ThemeMode | undefined>(storedMode);
  const [system, setSystem] = useState<ThemeMode>(systemMode);

  useEffect(() => {
    const media = window.matchMedia?.(DARK_QUERY);
    if (!media) {
      return;
    }
    const onChange = () => setSystem(media.matches ? 'dark' : 'light');
    media.addEventListener('change', onChange);
    return () => media.removeEventListener('change', onChange);
  }, []);

  const mode = chosen ?? system;
  const toggle = useCallback(() => {
    const next: ThemeMode = mode === 'dark' ? 'light' : 'dark';
    setChosen(next);
    try {
      window.localStorage.setItem(STORAGE_KEY, next);
    } catch {
      // Private windows may refuse storage: the choice lasts for this visit.
    }
  }, [mode]);
  return [mode, toggle];
}
