"""The seed tutorial's PyTorch pieces shared by the AG News golden scripts: the model and the
collate function (label 1-4 -> 0-3, concatenated token ids, offsets)."""
import torch
from torch import nn


class TextClassificationModel(nn.Module):
    def __init__(self, vocab_size, embed_dim, num_class):
        super().__init__()
        self.embedding = nn.EmbeddingBag(vocab_size, embed_dim, sparse=False)
        self.fc = nn.Linear(embed_dim, num_class)
        self.init_weights()

    def init_weights(self):
        initrange = 0.5
        self.embedding.weight.data.uniform_(-initrange, initrange)
        self.fc.weight.data.uniform_(-initrange, initrange)
        self.fc.bias.data.zero_()

    def forward(self, text, offsets):
        return self.fc(self.embedding(text, offsets))


def make_collate_batch(text_pipeline):
    """collate_fn turning (label, text) pairs into (labels, token ids, offsets)."""

    def collate_batch(batch):
        label_list, text_list, offsets = [], [], [0]
        for _label, _text in batch:
            label_list.append(_label - 1)
            processed = torch.tensor(text_pipeline(_text), dtype=torch.int64)
            text_list.append(processed)
            offsets.append(processed.size(0))
        return torch.tensor(label_list, dtype=torch.int64), torch.cat(text_list), torch.tensor(offsets[:-1]).cumsum(dim=0)

    return collate_batch
