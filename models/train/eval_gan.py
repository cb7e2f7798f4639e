"""GAN sample quality in pixels: mean distance from 256 samples to their nearest training image, compared
with the mean nearest-neighbour distance between training images themselves (RMS, [0,1] units)."""
import os

import numpy as np
import torch

import common
from train_gan import Z, Generator, load_train


def nn_dist(a, b, exclude_self=False):
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    d = (a ** 2).sum(1, keepdim=True) - 2 * a @ b.T + (b ** 2).sum(1)
    if exclude_self:
        d.fill_diagonal_(float("inf"))
    return (d.min(1).values.clamp(min=0) / a.shape[1]).sqrt().mean().item()


def main():
    common.setup(0)
    g = Generator()
    g.load_state_dict(common.load_weights("gan")["ema"])
    g.eval()
    data = (load_train() + 1) / 2
    with torch.no_grad():
        samples = (g(torch.randn(256, Z)) + 1) / 2
    perm = torch.randperm(len(data))
    figures = {"sample_to_nearest_train_rms": nn_dist(samples, data),
               "train_to_nearest_train_rms": nn_dist(data, data, exclude_self=True),
               "train_to_random_train_rms": (((data[perm[:256]] - data[perm[256:512]]) ** 2)
                                             .mean(dim=(1, 2, 3)).sqrt().mean().item())}
    print(figures)
    common.record("gan_eval", **figures)


if __name__ == "__main__":
    main()
