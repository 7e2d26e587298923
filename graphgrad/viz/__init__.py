"""Pictures for lectures: Graphviz renders of graphs, traces, step-by-step frames and networks."""
