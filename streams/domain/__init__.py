"""Domain logic: plain Python, no Faust or Kafka imports. Each stage is a function (or a small stateful class)
from one payload to the next, usable by the agents, by `analyze`/`replay` and by tests alike."""
