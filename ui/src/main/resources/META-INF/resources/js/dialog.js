// An in-page form in a modal <dialog> (instead of window.prompt): it validates before it answers and can be cancelled.
import { el, fill as fillOptions } from './dom.js';

/** The select's options, with the values in {@code selected} chosen (a multiple choice's current answer). */
function fill(select, options, selected) {
  fillOptions(select, options);
  if (selected) for (const option of select.options) option.selected = selected.includes(option.value);
  return select;
}

/**
 * Opens a modal form and resolves with the submitted values (field name -> trimmed string), or with null when
 * cancelled (the Cancel button or Escape). validate(values) answers a message to show, keeping the dialog open,
 * or null to accept. Each field is { name, label, options?: [{ value, label }], multiple?, selected?, placeholder? } (a
 * multiple choice answers its chosen values joined by commas, and starts with `selected` chosen); ids are
 * `${id}-${name}`, `${id}-error`, `${id}-submit` and `${id}-cancel`.
 */
export function askForm({ id, title, intro, fields, submitLabel = 'OK', validate = () => null }) {
  return new Promise((resolve) => {
    const controls = fields.map((field) =>
      field.options
        ? fill(
            el('select', {
              id: `${id}-${field.name}`,
              name: field.name,
              multiple: field.multiple,
              size: field.multiple ? Math.min(8, field.options.length) : undefined,
            }),
            field.options,
            field.selected,
          )
        : el('input', {
            id: `${id}-${field.name}`,
            name: field.name,
            type: 'text',
            placeholder: field.placeholder || '',
            autocomplete: 'off',
          }),
    );
    const error = el('p', { id: `${id}-error`, class: 'bad', role: 'alert', hidden: true });
    const form = el(
      'form',
      { id: `${id}-form`, novalidate: true },
      intro ? el('p', {}, intro) : null,
      fields.map((field, i) => el('label', { for: controls[i].id }, field.label, controls[i])),
      error,
      el(
        'div',
        { class: 'dialog-buttons' },
        el('button', { type: 'submit', id: `${id}-submit` }, submitLabel),
        el('button', { type: 'button', id: `${id}-cancel`, onclick: () => finish(null) }, 'Cancel'),
      ),
    );
    const dialog = el(
      'dialog',
      { id, class: 'form-dialog', 'aria-labelledby': `${id}-title` },
      el('h3', { id: `${id}-title` }, title),
      form,
    );

    function finish(values) {
      dialog.close();
      dialog.remove();
      resolve(values);
    }
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      const values = Object.fromEntries(fields.map((field, i) => [field.name, valueOf(field, controls[i])]));
      const problem = validate(values);
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
        controls[0].focus();
        return;
      }
      finish(values);
    });
    dialog.addEventListener('cancel', (event) => {
      event.preventDefault();
      finish(null);
    }); // Escape

    document.body.append(dialog);
    dialog.showModal();
    controls[0].focus();
  });
}

function valueOf(field, control) {
  if (field.multiple) return Array.from(control.selectedOptions, (o) => o.value).join(',');
  return control.value.trim();
}
