import { useState } from 'preact/hooks';
import type { UploadedMedia } from '@/utils/shared/daakey-types';
import type { ActionError, ReplyActions } from '@/utils/ui/connect';
import { fileProblem, type Problem } from '@/utils/ui/form-input';

export interface Attachment {
  key: string;
  name: string;
  state: 'uploading' | 'done' | 'error';
  media?: UploadedMedia;
  error?: string;
}

/** What the reply form reads when a save or send runs: the latest text and attachments, ahead of a render. */
export interface LatestBox {
  message: string;
  attachments: Attachment[];
}

/** The uploaded files, ready to go with the reply. */
export const doneMedia = (list: Attachment[]) => list.flatMap((a) => (a.state === 'done' && a.media ? [a.media] : []));

let uid = 0;

type Ref<T> = { current: T };

export interface AttachmentsOptions {
  upload: ReplyActions['uploadMedia'];
  /** The form's latest text and attachments; kept current here as files are added, uploaded or removed. */
  latest: Ref<LatestBox>;
  /** False once the form is gone: a late upload answer then changes nothing. */
  alive: Ref<boolean>;
  /** The attachments changed in a way the draft should store (an upload finished, a file was removed). */
  onChange(): void;
  uploadError(error: ActionError): string;
  problemText(problem: Problem): string;
}

/** The reply form's attachments: checked before upload, uploaded one by one, removable. */
export function useAttachments({ upload, latest, alive, onChange, uploadError, problemText }: AttachmentsOptions) {
  const [attachments, setAttachments] = useState<Attachment[]>([]);
  const [problems, setProblems] = useState<string[]>([]);

  function add(files: FileList | File[]) {
    const found: string[] = [];
    let count = latest.current.attachments.filter((a) => a.state !== 'error').length;
    const added: Attachment[] = [];
    for (const file of Array.from(files)) {
      const p = fileProblem(file, count);
      if (p) {
        found.push(problemText(p));
        continue;
      }
      count++;
      added.push({ key: `a${++uid}`, name: file.name, state: 'uploading' });
      const key = added[added.length - 1]!.key;
      void upload(file).then((r) => {
        if (!alive.current) return;
        setAttachments((list) => {
          const next = list.map(
            (a): Attachment =>
              a.key !== key ? a : r.ok ? { ...a, state: 'done', media: r.data } : { ...a, state: 'error', error: uploadError(r.error) },
          );
          latest.current = { ...latest.current, attachments: next };
          return next;
        });
        if (r.ok) onChange();
      });
    }
    setProblems(found);
    if (added.length) {
      const next = [...latest.current.attachments, ...added];
      latest.current = { ...latest.current, attachments: next };
      setAttachments(next);
    }
  }

  function remove(key: string) {
    const next = latest.current.attachments.filter((a) => a.key !== key);
    latest.current = { ...latest.current, attachments: next };
    setAttachments(next);
    onChange();
  }

  return { attachments, setAttachments, problems, add, remove };
}
