// Switching a site off in the options must take effect on pages already open: this aborts the
// whole instance (every feature's listeners, every node it added), as an invalidated context does.
export const disabled = new AbortController();
