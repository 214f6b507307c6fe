export interface Chip {
  id: string;
  label: string;
  /** Shown muted after the label (an organisation, an institution). */
  detail?: string;
  /** Shown muted at the end (what the first entry means, say). */
  note?: string;
}

/** The picked entries of a picker, each with a remove button. Text only: names come from participants. */
export function ChipList({
  chips,
  removeLabel,
  onRemove,
}: {
  chips: Chip[];
  removeLabel: (chip: Chip) => string;
  onRemove: (id: string) => void;
}) {
  return (
    <ul class="chips">
      {chips.map((chip) => (
        <li key={chip.id} class="chip">
          <span>
            {chip.label}
            {chip.detail && <span class="muted"> · {chip.detail}</span>}
            {chip.note && <span class="muted"> {chip.note}</span>}
          </span>
          <button type="button" class="icon-button" aria-label={removeLabel(chip)} onClick={() => onRemove(chip.id)}>
            ×
          </button>
        </li>
      ))}
    </ul>
  );
}
