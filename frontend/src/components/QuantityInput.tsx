import { MAX_QUANTITY } from '@metalmart/contracts';
import { useEffect, useId, useState } from 'react';

interface QuantityInputProps {
  value: number;
  onChange: (quantity: number) => void;
  /** The visible label ("Quantity") and, for screen readers, what it is the quantity of. */
  label: string;
  productName: string;
  hideLabel?: boolean;
}

/** − [n] +, typed values kept as a draft until they are a whole number between 1 and the API's maximum. */
export function QuantityInput({ value, onChange, label, productName, hideLabel = false }: QuantityInputProps) {
  const id = useId();
  const [draft, setDraft] = useState(String(value));
  useEffect(() => setDraft(String(value)), [value]);

  const commit = (text: string) => {
    setDraft(text);
    const quantity = Number(text);
    if (text.trim() !== '' && Number.isInteger(quantity) && quantity >= 1 && quantity <= MAX_QUANTITY) {
      onChange(quantity);
    }
  };

  return (
    <div className="quantity">
      <label htmlFor={id} className={hideLabel ? 'visually-hidden' : 'field__label'}>
        {label}
        {hideLabel && ` of ${productName}`}
      </label>
      <div className="quantity__controls">
        <button
          type="button"
          className="button button--icon"
          aria-label={`Decrease quantity of ${productName}`}
          disabled={value <= 1}
          onClick={() => onChange(value - 1)}
        >
          −
        </button>
        <input
          id={id}
          className="input input--quantity"
          type="number"
          inputMode="numeric"
          min={1}
          max={MAX_QUANTITY}
          step={1}
          value={draft}
          onChange={(event) => commit(event.target.value)}
          onBlur={() => setDraft(String(value))}
        />
        <button
          type="button"
          className="button button--icon"
          aria-label={`Increase quantity of ${productName}`}
          disabled={value >= MAX_QUANTITY}
          onClick={() => onChange(value + 1)}
        >
          +
        </button>
      </div>
    </div>
  );
}
