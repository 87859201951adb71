#!/usr/bin/env python3
"""The shared peer (torch_step.py, next to this file, unchanged) with its images and
convolution weights in PyTorch's channels-last memory format. Debian's PyTorch 1.13 runs its
oneDNN convolutions on plain NCHW tensors through a layout conversion each way on every call;
channels-last lets it skip most of them (2x faster here at ResNet-18 x1/8, 2 threads), so
`deno task perf` times both formats and compares the suite with the faster one.

Same arguments and output as torch_step.py.
"""
import os, runpy, sys
import torch, torch.nn as nn

_randn = torch.randn

def _randn_channels_last(*size, **kw):
    t = _randn(*size, **kw)
    return t.contiguous(memory_format=torch.channels_last) if t.dim() == 4 else t

_conv_init = nn.Conv2d.__init__

def _conv_init_channels_last(self, *a, **kw):
    _conv_init(self, *a, **kw)
    self.weight.data = self.weight.data.contiguous(memory_format=torch.channels_last)

torch.randn = _randn_channels_last
nn.Conv2d.__init__ = _conv_init_channels_last
peer = os.path.join(os.path.dirname(os.path.abspath(__file__)), "torch_step.py")
sys.argv[0] = peer
runpy.run_path(peer, run_name="__main__")
