namespace NotebookNN;
