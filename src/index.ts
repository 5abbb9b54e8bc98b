/**
 * trainbook: the cell library that the course notebooks import.
 *
 * Each section below re-exports one group of `src/`; the notebooks only import from here.
 */

// --- data ---

// --- train ---

// --- io ---

// --- display ---

// --- text (AG News) ---

// --- vision (Fashion-MNIST) ---
