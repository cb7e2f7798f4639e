"""diffusers' schedulers re-stated in torch/numpy with the same dtypes, for schedulers_ref.py.

Covers what the TypeScript schedulers implement: set_timesteps, scale_model_input and step of
DDIMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, DPMSolverMultistepScheduler
(dpmsolver++, order 2, midpoint, with lower_order_final and final_sigmas_type) and LCMScheduler.
Euler ancestral takes Karras sigmas the same way Euler does.
"""
import math

import numpy as np
import torch

SD15 = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule='scaled_linear',
            prediction_type='epsilon', timestep_spacing='leading', steps_offset=1, use_karras_sigmas=False,
            eta=0.0, set_alpha_to_one=False, clip_sample=False, original_inference_steps=50, timestep_scaling=10.0,
            final_sigmas_type='zero', lower_order_final=True)


def betas_for(c):
    n = c['num_train_timesteps']
    if c['beta_schedule'] == 'linear':
        return torch.linspace(c['beta_start'], c['beta_end'], n, dtype=torch.float32)
    if c['beta_schedule'] == 'scaled_linear':
        return torch.linspace(c['beta_start'] ** 0.5, c['beta_end'] ** 0.5, n, dtype=torch.float32) ** 2
    fn = lambda t: math.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
    return torch.tensor([min(1 - fn((i + 1) / n) / fn(i / n), 0.999) for i in range(n)], dtype=torch.float32)


class Base:
    def __init__(self, c, steps):
        self.c = c
        self.alphas_cumprod = torch.cumprod(1.0 - betas_for(c), dim=0)
        self.final_alpha_cumprod = torch.tensor(1.0) if c['set_alpha_to_one'] else self.alphas_cumprod[0]
        self.n = steps
        self.sigmas = None
        self.set_timesteps(steps)

    def scale(self, i, x):
        return x

    def karras(self, in_sigmas, n):
        sigma_min, sigma_max = in_sigmas[-1].item(), in_sigmas[0].item()
        rho = 7.0
        ramp = np.linspace(0, 1, n)
        min_inv, max_inv = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
        return (max_inv + ramp * (min_inv - max_inv)) ** rho

    @staticmethod
    def sigma_to_t(sigma, log_sigmas):
        log_sigma = np.log(np.maximum(sigma, 1e-10))
        dists = log_sigma - log_sigmas[:, np.newaxis]
        low_idx = np.cumsum((dists >= 0), axis=0).argmax(axis=0).clip(max=log_sigmas.shape[0] - 2)
        high_idx = low_idx + 1
        low, high = log_sigmas[low_idx], log_sigmas[high_idx]
        w = np.clip((low - log_sigma) / (low - high), 0, 1)
        t = (1 - w) * low_idx + w * high_idx
        return t.reshape(np.shape(sigma))


class Euler(Base):
    ancestral = False

    def set_timesteps(self, n):
        c, T = self.c, self.c['num_train_timesteps']
        if c['timestep_spacing'] == 'linspace':
            ts = np.linspace(0, T - 1, n, dtype=np.float32)[::-1].copy()
        elif c['timestep_spacing'] == 'leading':
            ratio = T // n
            ts = (np.arange(0, n) * ratio).round()[::-1].copy().astype(np.float32)
            ts += c['steps_offset']
        else:
            ratio = T / n
            ts = np.arange(T, 0, -ratio).round().copy().astype(np.float32)
            ts -= 1
        sigmas = np.array(((1 - self.alphas_cumprod) / self.alphas_cumprod) ** 0.5)
        log_sigmas = np.log(sigmas)
        sigmas = np.interp(ts, np.arange(0, len(sigmas)), sigmas)
        if c['use_karras_sigmas']:
            sigmas = self.karras(sigmas, n)
            ts = np.array([self.sigma_to_t(s, log_sigmas) for s in sigmas])
        sigmas = np.concatenate([sigmas, [0.0]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas)
        self.timesteps = torch.from_numpy(ts.astype(np.float32))
        m = self.sigmas.max()
        self.init_noise_sigma = m if c['timestep_spacing'] in ('linspace', 'trailing') else (m ** 2 + 1) ** 0.5

    def scale(self, i, x):
        return x / ((self.sigmas[i] ** 2 + 1) ** 0.5)

    def x0(self, i, out, x):
        sigma = self.sigmas[i]
        if self.c['prediction_type'] == 'epsilon':
            return x - sigma * out
        return out * (-sigma / (sigma ** 2 + 1) ** 0.5) + (x / (sigma ** 2 + 1))

    def step(self, i, out, x, gen):
        sigma = self.sigmas[i]
        x0 = self.x0(i, out, x)
        if not self.ancestral:
            derivative = (x - x0) / sigma
            return x + derivative * (self.sigmas[i + 1] - sigma), x0, None
        s_from, s_to = self.sigmas[i], self.sigmas[i + 1]
        s_up = (s_to ** 2 * (s_from ** 2 - s_to ** 2) / s_from ** 2) ** 0.5
        s_down = (s_to ** 2 - s_up ** 2) ** 0.5
        derivative = (x - x0) / sigma
        prev = x + derivative * (s_down - sigma)
        noise = torch.randn(out.shape, generator=gen, dtype=out.dtype)
        return prev + noise * s_up, x0, noise


class EulerAncestral(Euler):
    ancestral = True


class DDIM(Base):
    def set_timesteps(self, n):
        c, T = self.c, self.c['num_train_timesteps']
        if c['timestep_spacing'] == 'linspace':
            ts = np.linspace(0, T - 1, n).round()[::-1].copy().astype(np.int64)
        elif c['timestep_spacing'] == 'leading':
            ratio = T // n
            ts = (np.arange(0, n) * ratio).round()[::-1].copy().astype(np.int64)
            ts += c['steps_offset']
        else:
            ratio = T / n
            ts = np.round(np.arange(T, 0, -ratio)).astype(np.int64)
            ts -= 1
        self.timesteps = torch.from_numpy(ts)
        self.init_noise_sigma = 1.0

    def step(self, i, out, x, gen):
        c = self.c
        t = int(self.timesteps[i])
        prev_t = t - c['num_train_timesteps'] // self.n
        a_t = self.alphas_cumprod[t]
        a_prev = self.alphas_cumprod[prev_t] if prev_t >= 0 else self.final_alpha_cumprod
        b_t = 1 - a_t
        if c['prediction_type'] == 'epsilon':
            x0 = (x - b_t ** 0.5 * out) / a_t ** 0.5
            eps = out
        else:
            x0 = (a_t ** 0.5) * x - (b_t ** 0.5) * out
            eps = (a_t ** 0.5) * out + (b_t ** 0.5) * x
        if c['clip_sample']:
            x0 = x0.clamp(-1.0, 1.0)
        variance = ((1 - a_prev) / b_t) * (1 - a_t / a_prev)
        std = c['eta'] * variance ** 0.5
        direction = (1 - a_prev - std ** 2) ** 0.5 * eps
        prev = a_prev ** 0.5 * x0 + direction
        noise = None
        if c['eta'] > 0:
            noise = torch.randn(out.shape, generator=gen, dtype=out.dtype)
            prev = prev + std * noise
        return prev, x0, noise


class DPMpp2M(Base):
    def set_timesteps(self, n):
        c, T = self.c, self.c['num_train_timesteps']
        last = T  # lambda_min_clipped = -inf clips nothing
        if c['timestep_spacing'] == 'linspace':
            ts = np.linspace(0, last - 1, n + 1).round()[::-1][:-1].copy().astype(np.int64)
        elif c['timestep_spacing'] == 'leading':
            ratio = last // (n + 1)
            ts = (np.arange(0, n + 1) * ratio).round()[::-1][:-1].copy().astype(np.int64)
            ts += c['steps_offset']
        else:
            ratio = T / n
            ts = np.arange(last, 0, -ratio).round().copy().astype(np.int64)
            ts -= 1
        sigmas = np.array(((1 - self.alphas_cumprod) / self.alphas_cumprod) ** 0.5)
        log_sigmas = np.log(sigmas)
        if c['use_karras_sigmas']:
            sigmas = np.flip(sigmas).copy()
            sigmas = self.karras(torch.from_numpy(sigmas), n)
            ts = np.array([self.sigma_to_t(s, log_sigmas) for s in sigmas]).round()
        else:
            sigmas = np.interp(ts, np.arange(0, len(sigmas)), sigmas)
        if c['final_sigmas_type'] == 'sigma_min':
            sigma_last = ((1 - self.alphas_cumprod[0]) / self.alphas_cumprod[0]) ** 0.5
        else:
            sigma_last = 0
        sigmas = np.concatenate([sigmas, [sigma_last]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas)
        self.timesteps = torch.from_numpy(ts).to(torch.int64)
        self.n = len(ts)
        self.init_noise_sigma = 1.0
        self.outputs = [None, None]
        self.lower_order_nums = 0

    @staticmethod
    def alpha_sigma(sigma):
        alpha_t = 1 / ((sigma ** 2 + 1) ** 0.5)
        return alpha_t, sigma * alpha_t

    def step(self, i, out, x, gen):
        c = self.c
        lower_final = i == self.n - 1 and (
            c['final_sigmas_type'] == 'zero' or (c['lower_order_final'] and self.n < 15))
        alpha, sig = self.alpha_sigma(self.sigmas[i])
        x0 = (x - sig * out) / alpha if c['prediction_type'] == 'epsilon' else alpha * x - sig * out
        self.outputs = [self.outputs[1], x0]
        a_t, s_t = self.alpha_sigma(self.sigmas[i + 1])
        a_s0, s_s0 = self.alpha_sigma(self.sigmas[i])
        lam_t = torch.log(a_t) - torch.log(s_t)
        lam_s0 = torch.log(a_s0) - torch.log(s_s0)
        h = lam_t - lam_s0
        if self.lower_order_nums < 1 or lower_final:
            prev = (s_t / s_s0) * x - (a_t * (torch.exp(-h) - 1.0)) * x0
        else:
            a_s1, s_s1 = self.alpha_sigma(self.sigmas[i - 1])
            lam_s1 = torch.log(a_s1) - torch.log(s_s1)
            m0, m1 = self.outputs[1], self.outputs[0]
            r0 = (lam_s0 - lam_s1) / h
            d0, d1 = m0, (1.0 / r0) * (m0 - m1)
            prev = (s_t / s_s0) * x - (a_t * (torch.exp(-h) - 1.0)) * d0 - 0.5 * (a_t * (torch.exp(-h) - 1.0)) * d1
        if self.lower_order_nums < 2:
            self.lower_order_nums += 1
        return prev, x0, None


class LCM(Base):
    def set_timesteps(self, n):
        c, T = self.c, self.c['num_train_timesteps']
        orig = c['original_inference_steps']
        k = T // orig
        origin = np.asarray(list(range(1, orig + 1))) * k - 1
        origin = origin[::-1].copy()
        idx = np.floor(np.linspace(0, len(origin), num=n, endpoint=False)).astype(np.int64)
        self.timesteps = torch.from_numpy(origin[idx]).to(torch.long)
        self.init_noise_sigma = 1.0

    def step(self, i, out, x, gen):
        c = self.c
        t = int(self.timesteps[i])
        prev_t = int(self.timesteps[i + 1]) if i + 1 < len(self.timesteps) else t
        a_t = self.alphas_cumprod[t]
        a_prev = self.alphas_cumprod[prev_t] if prev_t >= 0 else self.final_alpha_cumprod
        b_t, b_prev = 1 - a_t, 1 - a_prev
        scaled = t * c['timestep_scaling']
        c_skip = 0.5 ** 2 / (scaled ** 2 + 0.5 ** 2)
        c_out = scaled / (scaled ** 2 + 0.5 ** 2) ** 0.5
        if c['prediction_type'] == 'epsilon':
            x0 = (x - b_t.sqrt() * out) / a_t.sqrt()
        else:
            x0 = a_t.sqrt() * x - b_t.sqrt() * out
        if c['clip_sample']:
            x0 = x0.clamp(-1.0, 1.0)
        denoised = c_out * x0 + c_skip * x
        noise = None
        if i != self.n - 1:
            noise = torch.randn(out.shape, generator=gen, dtype=denoised.dtype)
            prev = a_prev.sqrt() * denoised + b_prev.sqrt() * noise
        else:
            prev = denoised
        return prev, denoised, noise


KINDS = {'ddim': DDIM, 'euler': Euler, 'euler_ancestral': EulerAncestral, 'dpmpp_2m': DPMpp2M, 'lcm': LCM}
