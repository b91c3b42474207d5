/**
 * Opening a local profile: drop a file anywhere on the page (an overlay says where it goes), or click the drop zone
 * to browse. While it parses, the zone shows the progress.
 */
import { css, cx } from '@emotion/css';
import { colorManipulator, GrafanaTheme2 } from '@grafana/data';
import { Icon, useStyles2 } from '@grafana/ui';
import React, { useEffect, useLayoutEffect, useRef, useState } from 'react';

export const DROP_TEXT =
  'Drop a profile to open it locally: perf script, .cpuprofile, Chrome trace, nflxprofile or folded stacks; plain or .gz';

export interface OpeningState {
  name: string;
  bytesRead: number;
  totalBytes: number;
}

interface Props {
  opening?: OpeningState;
  onFile(file: File): void;
}

export function DropZone({ opening, onFile }: Props) {
  const styles = useStyles2(getStyles);
  const input = useRef<HTMLInputElement>(null);
  const dragging = useWindowFileDrag(onFile);
  const percent = opening && opening.totalBytes > 0 ? Math.floor((100 * opening.bytesRead) / opening.totalBytes) : 0;

  return (
    <>
      <div
        className={cx(styles.zone, opening && styles.busy)}
        data-testid="flamescope-dropzone"
        role="button"
        tabIndex={0}
        title={`${DROP_TEXT}. Parsed in this browser with the same engine as the sidecar: the file is not uploaded.`}
        onClick={() => input.current?.click()}
        onKeyDown={(e) => {
          if (e.key === 'Enter' || e.key === ' ') {
            e.preventDefault();
            input.current?.click();
          }
        }}
      >
        <Icon name={opening ? 'spinner' : 'upload'} />
        {opening ? (
          <>
            <span className={styles.text}>
              Parsing {opening.name}… {percent}%
            </span>
            <progress className={styles.progress} max={100} value={percent} aria-label={`Parsing ${opening.name}`} />
          </>
        ) : (
          <span className={styles.text}>{DROP_TEXT}</span>
        )}
        <input
          ref={input}
          type="file"
          className={styles.input}
          tabIndex={-1}
          aria-label="Open a profile file"
          onChange={(e) => {
            const file = e.currentTarget.files?.[0];
            e.currentTarget.value = '';
            if (file) {
              onFile(file);
            }
          }}
        />
      </div>
      {dragging && (
        <div className={styles.overlay} data-testid="flamescope-drop-overlay">
          <div className={styles.overlayBox}>
            <Icon name="upload" size="xxxl" />
            <div>{DROP_TEXT}</div>
            <div className={styles.overlayHint}>It is parsed in this browser, not uploaded.</div>
          </div>
        </div>
      )}
    </>
  );
}

/** Whether files are being dragged over the window; a drop anywhere opens the first file. */
function useWindowFileDrag(onFile: (file: File) => void): boolean {
  const [dragging, setDragging] = useState(false);
  const latest = useRef(onFile);
  useLayoutEffect(() => {
    latest.current = onFile;
  });

  useEffect(() => {
    let depth = 0;
    const hasFiles = (e: DragEvent) => Array.from(e.dataTransfer?.types ?? []).includes('Files');
    const onEnter = (e: DragEvent) => {
      if (hasFiles(e)) {
        depth++;
        setDragging(true);
      }
    };
    const onLeave = (e: DragEvent) => {
      if (hasFiles(e) && --depth <= 0) {
        depth = 0;
        setDragging(false);
      }
    };
    const onOver = (e: DragEvent) => {
      if (hasFiles(e)) {
        e.preventDefault();
        if (e.dataTransfer) {
          e.dataTransfer.dropEffect = 'copy';
        }
      }
    };
    const onDrop = (e: DragEvent) => {
      depth = 0;
      setDragging(false);
      const file = e.dataTransfer?.files?.[0];
      if (file) {
        e.preventDefault();
        latest.current(file);
      }
    };
    window.addEventListener('dragenter', onEnter);
    window.addEventListener('dragleave', onLeave);
    window.addEventListener('dragover', onOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('dragenter', onEnter);
      window.removeEventListener('dragleave', onLeave);
      window.removeEventListener('dragover', onOver);
      window.removeEventListener('drop', onDrop);
    };
  }, []);
  return dragging;
}

const getStyles = (theme: GrafanaTheme2) => ({
  zone: css({
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    // Shrinks (its text ellipsised, whole in the title and the drop overlay) so the header keeps two rows.
    flex: '0 4 auto',
    minWidth: 140,
    height: theme.spacing(theme.components.height.md),
    padding: theme.spacing(0, 1.5),
    border: `1px dashed ${theme.colors.border.medium}`,
    borderRadius: theme.shape.radius.default,
    color: theme.colors.text.secondary,
    fontSize: theme.typography.bodySmall.fontSize,
    cursor: 'pointer',
    whiteSpace: 'nowrap',
    '&:hover, &:focus-visible': {
      borderColor: theme.colors.primary.border,
      color: theme.colors.text.primary,
      background: theme.colors.action.hover,
    },
    '&:focus-visible': { outline: `2px solid ${theme.colors.primary.main}`, outlineOffset: 1 },
  }),
  busy: css({ borderStyle: 'solid', color: theme.colors.text.primary }),
  text: css({ overflow: 'hidden', textOverflow: 'ellipsis' }),
  progress: css({ width: 80, flex: 'none' }),
  input: css({ display: 'none' }),
  overlay: css({
    position: 'fixed',
    inset: 0,
    zIndex: theme.zIndex.modal,
    display: 'flex',
    alignItems: 'center',
    justifyContent: 'center',
    background: colorManipulator.alpha(theme.colors.background.canvas, 0.8),
    pointerEvents: 'none',
  }),
  overlayBox: css({
    display: 'flex',
    flexDirection: 'column',
    alignItems: 'center',
    gap: theme.spacing(2),
    padding: theme.spacing(6, 8),
    border: `2px dashed ${theme.colors.primary.border}`,
    borderRadius: theme.shape.radius.lg,
    background: theme.colors.background.primary,
    color: theme.colors.text.primary,
    ...theme.typography.h4,
  }),
  overlayHint: css({ color: theme.colors.text.secondary, ...theme.typography.body }),
});
