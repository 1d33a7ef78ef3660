import type { Template } from '@/utils/shared/messages';
import { useI18n } from './i18n-context';

export interface TemplatePickerProps {
  id: string;
  templates: Template[];
  active: number;
  /** The agent has no templates at all (opened from the Templates button): say where they come from. */
  empty?: boolean;
  onPick(template: Template): void;
  onHover(index: number): void;
}

/** The `/` list under the message box; the textbox keeps focus and points here with aria-activedescendant. */
export function TemplatePicker({ id, templates, active, empty = false, onPick, onHover }: TemplatePickerProps) {
  const { t } = useI18n();
  return (
    <div class="picker">
      {templates.length === 0 ? (
        <p class="hint">{empty ? t('templates_none_yet') : t('templates_none_match')}</p>
      ) : (
        <div id={id} role="listbox" aria-label={t('templates_list_label')}>
          {templates.map((tpl, i) => (
            <div
              key={tpl.id}
              id={`${id}-${i}`}
              role="option"
              tabIndex={-1}
              aria-selected={i === active}
              class={i === active ? 'active' : ''}
              onMouseDown={(e) => {
                e.preventDefault();
                onPick(tpl);
              }}
              onMouseEnter={() => onHover(i)}
            >
              <span dir="auto" class="name">
                {tpl.name}
              </span>
              <span dir="auto" class="preview">
                {tpl.body.slice(0, 60)}
              </span>
            </div>
          ))}
        </div>
      )}
      <p class="hint">{t('templates_picker_hint')}</p>
    </div>
  );
}
