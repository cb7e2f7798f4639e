"""diffusers' schedulers re-stated in torch/numpy with the same dtypes, for schedulers_ref.py.

Covers what the TypeScript schedulers implement: set_timesteps, scale_model_input and step of
DDIMScheduler, EulerDiscreteScheduler, EulerAncestralDiscreteScheduler, DPMSolverMultistepScheduler
(dpmsolver++, order 2, midpoint, with lower_order_final and final_sigmas_type), LCMScheduler and
PNDMScheduler (PLMS with skip_prk_steps, and the Runge-Kutta start without it). Euler ancestral
takes Karras sigmas the same way Euler does. Each line follows the diffusers source (main, 2026):
the same torch float32 tensor operations in the same order, the same numpy float64 ones.

Three things differ from running diffusers on this machine's old packages, on purpose:
- torch.linspace: torch 1.13 (Debian's) fills float32 linspace 8 values at a time from a base
  (vectorised); current aten computes every value on its own, `start + step * i` below halfway and
  `end - step * (steps - i - 1)` above, contracted to fused multiply-adds. torch_linspace_f32 is that
  kernel; it is checked against torch 1.13 at the positions 1.13 also computes that way.
- numpy's float32 log: numpy's SIMD float32 log on x86 (AVX2/AVX512F) is not correctly rounded
  (190 of SD's 1000 training log-sigmas differ by an ulp here), and differs between CPUs; the
  log-sigmas below are correctly rounded (what baseline numpy and libm give).
- numpy dtype promotion: numpy 2 (NEP 50) keeps float64 scalars float64 against float32 arrays;
  numpy 1.x (here) would compute _sigma_to_t's interpolation weight in float32. sigma_to_t below
  casts explicitly to numpy 2's dtypes.
"""
import math

import numpy as np
import torch

SD15 = dict(num_train_timesteps=1000, beta_start=0.00085, beta_end=0.012, beta_schedule='scaled_linear',
            prediction_type='epsilon', timestep_spacing='leading', steps_offset=1, use_karras_sigmas=False,
            eta=0.0, set_alpha_to_one=False, clip_sample=False, original_inference_steps=50, timestep_scaling=10.0,
            final_sigmas_type='zero', lower_order_final=True, skip_prk_steps=True)


def _fmaf(a, b, c):
    """float32 fma(a, b, c), rounded once (exact rational arithmetic, then float32)."""
    from fractions import Fraction
    exact = Fraction(float(a)) * Fraction(float(b)) + Fraction(float(c))
    return np.float32(_round_to_f32(exact))


def _round_to_f32(q):
    # nearest float32 to the rational q, ties to even: via the two float32 neighbours of float(q)
    from fractions import Fraction
    x = np.float32(float(q))
    lo, hi = (np.nextafter(x, np.float32(-np.inf)), x) if Fraction(float(x)) > q else (x, np.nextafter(x, np.float32(np.inf)))
    dlo, dhi = q - Fraction(float(lo)), Fraction(float(hi)) - q
    if dlo < dhi:
        return lo
    if dhi < dlo:
        return hi
    return lo if (lo.view(np.uint32) & 1) == 0 else hi


def torch_linspace_f32(start, end, steps):
    """aten's CPU linspace kernel for float32 (RangeFactoriesKernel.cpp, current main)."""
    a, b = np.float32(start), np.float32(end)
    if steps == 1:
        return torch.tensor([a], dtype=torch.float32)
    step = np.float32(np.float32(b - a) / np.float32(steps - 1))
    half = steps // 2
    out = [_fmaf(step, np.float32(i), a) if i < half else _fmaf(-step, np.float32(steps - i - 1), b)
           for i in range(steps)]
    out = torch.tensor(np.array(out, dtype=np.float32))
    # torch 1.13 computes the first value of every 8-wide block and the tail this same way
    old = torch.linspace(start, end, steps, dtype=torch.float32)
    n_vec = (steps // 16) * 16
    same = [i for i in range(steps) if i >= n_vec or i % 8 == 0]
    assert torch.equal(out[same], old[same]), 'linspace transcription disagrees with torch'
    return out


def betas_for(c):
    n = c['num_train_timesteps']
    if c['beta_schedule'] == 'linear':
        return torch_linspace_f32(c['beta_start'], c['beta_end'], n)
    if c['beta_schedule'] == 'scaled_linear':
        return torch_linspace_f32(c['beta_start'] ** 0.5, c['beta_end'] ** 0.5, n) ** 2
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

    def add_noise(self, original, noise, i):
        """add_noise at step index i (the pipeline's begin_index), as the DDPM-family classes write it."""
        alphas_cumprod = self.alphas_cumprod.to(dtype=original.dtype)
        timesteps = self.timesteps[i:i + 1].long()
        sqrt_alpha_prod = (alphas_cumprod[timesteps] ** 0.5).flatten()
        while len(sqrt_alpha_prod.shape) < len(original.shape):
            sqrt_alpha_prod = sqrt_alpha_prod.unsqueeze(-1)
        sqrt_one_minus_alpha_prod = ((1 - alphas_cumprod[timesteps]) ** 0.5).flatten()
        while len(sqrt_one_minus_alpha_prod.shape) < len(original.shape):
            sqrt_one_minus_alpha_prod = sqrt_one_minus_alpha_prod.unsqueeze(-1)
        return sqrt_alpha_prod * original + sqrt_one_minus_alpha_prod * noise

    def karras(self, in_sigmas, n):
        sigma_min, sigma_max = in_sigmas[-1].item(), in_sigmas[0].item()
        rho = 7.0
        ramp = np.linspace(0, 1, n)
        min_inv, max_inv = sigma_min ** (1 / rho), sigma_max ** (1 / rho)
        return (max_inv + ramp * (min_inv - max_inv)) ** rho

    @staticmethod
    def log_sigmas(sigmas):
        # np.log(sigmas) of a float32 array, correctly rounded (see the module docstring)
        return np.log(sigmas.astype(np.float64)).astype(np.float32)

    @staticmethod
    def sigma_to_t(sigma, log_sigmas):
        # numpy 2 dtypes: log_sigma is a float64 scalar, so every mixed operation is float64
        log_sigma = np.log(np.maximum(np.float64(sigma), 1e-10))
        dists = log_sigma - log_sigmas[:, np.newaxis].astype(np.float64)
        low_idx = np.cumsum((dists >= 0), axis=0).argmax(axis=0).clip(max=log_sigmas.shape[0] - 2)
        high_idx = low_idx + 1
        low, high = log_sigmas[low_idx], log_sigmas[high_idx]
        w = (low.astype(np.float64) - log_sigma) / (low - high).astype(np.float64)  # low - high: float32
        w = np.clip(w, 0, 1)
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
        log_sigmas = self.log_sigmas(sigmas)
        sigmas = np.interp(ts, np.arange(0, len(sigmas)), sigmas)
        if c['use_karras_sigmas']:
            sigmas = self.karras(sigmas, n)
            ts = np.array([self.sigma_to_t(s, log_sigmas) for s in sigmas])
        if c['final_sigmas_type'] == 'sigma_min' and not self.ancestral:
            sigma_last = ((1 - self.alphas_cumprod[0]) / self.alphas_cumprod[0]) ** 0.5
        else:
            sigma_last = 0
        sigmas = np.concatenate([sigmas, [sigma_last]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas)
        self.timesteps = torch.from_numpy(ts.astype(np.float32))
        m = self.sigmas.max()
        self.init_noise_sigma = m if c['timestep_spacing'] in ('linspace', 'trailing') else (m ** 2 + 1) ** 0.5

    def scale(self, i, x):
        return x / ((self.sigmas[i] ** 2 + 1) ** 0.5)

    def add_noise(self, original, noise, i):
        # step_indices = [begin_index]; sigma = sigmas[step_indices].flatten(); original + noise * sigma
        sigma = self.sigmas.to(dtype=original.dtype)[[i]].flatten()
        while len(sigma.shape) < len(original.shape):
            sigma = sigma.unsqueeze(-1)
        return original + noise * sigma

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
        log_sigmas = self.log_sigmas(sigmas)
        if c['use_karras_sigmas']:
            sigmas = np.flip(sigmas).copy()
            sigmas = self.karras(torch.from_numpy(sigmas), n)
            ts = np.array([self.sigma_to_t(s, log_sigmas) for s in sigmas])
            if c['beta_schedule'] != 'squaredcos_cap_v2':
                ts = ts.round()
        else:
            sigmas = np.interp(ts, np.arange(0, len(sigmas)), sigmas)
        if c['final_sigmas_type'] == 'sigma_min':
            sigma_last = ((1 - self.alphas_cumprod[0]) / self.alphas_cumprod[0]) ** 0.5
        else:
            sigma_last = 0
        sigmas = np.concatenate([sigmas, [sigma_last]]).astype(np.float32)
        self.sigmas = torch.from_numpy(sigmas)
        self.timesteps = torch.from_numpy(ts).to(torch.int64)  # truncates unrounded (cosine) timesteps
        self.n = len(ts)
        self.init_noise_sigma = 1.0
        self.outputs = [None, None]
        self.lower_order_nums = 0

    def add_noise(self, original, noise, i):
        sigma = self.sigmas.to(dtype=original.dtype)[[i]].flatten()
        alpha_t, sigma_t = self.alpha_sigma(sigma)
        while len(sigma_t.shape) < len(original.shape):
            alpha_t, sigma_t = alpha_t.unsqueeze(-1), sigma_t.unsqueeze(-1)
        return alpha_t * original + sigma_t * noise

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
        t = self.timesteps[i]  # a 0-d int64 tensor, as pipelines pass it
        prev_t = self.timesteps[i + 1] if i + 1 < len(self.timesteps) else t
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
            x0 = x0.clamp(-c.get('clip_sample_range', 1.0), c.get('clip_sample_range', 1.0))
        denoised = c_out * x0 + c_skip * x
        noise = None
        if i != self.n - 1:
            noise = torch.randn(out.shape, generator=gen, dtype=denoised.dtype)
            prev = a_prev.sqrt() * denoised + b_prev.sqrt() * noise
        else:
            prev = denoised
        return prev, denoised, noise


class PNDM(Base):
    """PNDMScheduler.set_timesteps / step / step_prk / step_plms / _get_prev_sample."""

    def set_timesteps(self, n):
        c, T = self.c, self.c['num_train_timesteps']
        self.num_inference_steps = n
        if c['timestep_spacing'] == 'linspace':
            self._timesteps = np.linspace(0, T - 1, n).round().astype(np.int64)
        elif c['timestep_spacing'] == 'leading':
            step_ratio = T // n
            self._timesteps = (np.arange(0, n) * step_ratio).round()
            self._timesteps += c['steps_offset']
        else:
            step_ratio = T / n
            self._timesteps = np.round(np.arange(T, 0, -step_ratio))[::-1].astype(np.int64)
            self._timesteps -= 1
        if c['skip_prk_steps']:
            self.prk_timesteps = np.array([])
            self.plms_timesteps = np.concatenate(
                [self._timesteps[:-1], self._timesteps[-2:-1], self._timesteps[-1:]])[::-1].copy()
        else:
            prk_timesteps = np.array(self._timesteps[-4:]).repeat(2) + np.tile(np.array([0, T // n // 2]), 4)
            self.prk_timesteps = (prk_timesteps[:-1].repeat(2)[1:-1])[::-1].copy()
            self.plms_timesteps = self._timesteps[:-3][::-1].copy()
        ts = np.concatenate([self.prk_timesteps, self.plms_timesteps]).astype(np.int64)
        self.timesteps = torch.from_numpy(ts)
        self.init_noise_sigma = 1.0
        self.ets = []
        self.counter = 0
        self.cur_model_output = 0
        self.cur_sample = None

    def step(self, i, out, x, gen):
        timestep = self.timesteps[i]
        if self.counter < len(self.prk_timesteps) and not self.c['skip_prk_steps']:
            prev = self.step_prk(out, timestep, x)
        else:
            prev = self.step_plms(out, timestep, x)
        # diffusers reports no x0; the TypeScript side previews the DDIM estimate from this output
        a_t = self.alphas_cumprod[timestep]
        b_t = 1 - a_t
        if self.c['prediction_type'] == 'epsilon':
            x0 = (x - b_t ** 0.5 * out) / a_t ** 0.5
        else:
            x0 = (a_t ** 0.5) * x - (b_t ** 0.5) * out
        return prev, x0, None

    def step_prk(self, model_output, timestep, sample):
        T = self.c['num_train_timesteps']
        diff_to_prev = 0 if self.counter % 2 else T // self.num_inference_steps // 2
        prev_timestep = timestep - diff_to_prev
        timestep = self.prk_timesteps[self.counter // 4 * 4]
        if self.counter % 4 == 0:
            self.cur_model_output += 1 / 6 * model_output
            self.ets.append(model_output)
            self.cur_sample = sample
        elif (self.counter - 1) % 4 == 0:
            self.cur_model_output += 1 / 3 * model_output
        elif (self.counter - 2) % 4 == 0:
            self.cur_model_output += 1 / 3 * model_output
        elif (self.counter - 3) % 4 == 0:
            model_output = self.cur_model_output + 1 / 6 * model_output
            self.cur_model_output = 0
        cur_sample = self.cur_sample if self.cur_sample is not None else sample
        prev_sample = self._get_prev_sample(cur_sample, timestep, prev_timestep, model_output)
        self.counter += 1
        return prev_sample

    def step_plms(self, model_output, timestep, sample):
        if not self.c['skip_prk_steps'] and len(self.ets) < 3:
            raise ValueError('PLMS before 12 Runge-Kutta steps')
        prev_timestep = timestep - self.c['num_train_timesteps'] // self.num_inference_steps
        if self.counter != 1:
            self.ets = self.ets[-3:]
            self.ets.append(model_output)
        else:
            prev_timestep = timestep
            timestep = timestep + self.c['num_train_timesteps'] // self.num_inference_steps
        if len(self.ets) == 1 and self.counter == 0:
            model_output = model_output
            self.cur_sample = sample
        elif len(self.ets) == 1 and self.counter == 1:
            model_output = (model_output + self.ets[-1]) / 2
            sample = self.cur_sample
            self.cur_sample = None
        elif len(self.ets) == 2:
            model_output = (3 * self.ets[-1] - self.ets[-2]) / 2
        elif len(self.ets) == 3:
            model_output = (23 * self.ets[-1] - 16 * self.ets[-2] + 5 * self.ets[-3]) / 12
        else:
            model_output = (1 / 24) * (55 * self.ets[-1] - 59 * self.ets[-2] + 37 * self.ets[-3] - 9 * self.ets[-4])
        prev_sample = self._get_prev_sample(sample, timestep, prev_timestep, model_output)
        self.counter += 1
        return prev_sample

    def _get_prev_sample(self, sample, timestep, prev_timestep, model_output):
        alpha_prod_t = self.alphas_cumprod[timestep]
        alpha_prod_t_prev = self.alphas_cumprod[prev_timestep] if prev_timestep >= 0 else self.final_alpha_cumprod
        beta_prod_t = 1 - alpha_prod_t
        beta_prod_t_prev = 1 - alpha_prod_t_prev
        if self.c['prediction_type'] == 'v_prediction':
            model_output = (alpha_prod_t**0.5) * model_output + (beta_prod_t**0.5) * sample
        sample_coeff = (alpha_prod_t_prev / alpha_prod_t) ** (0.5)
        model_output_denom_coeff = alpha_prod_t * beta_prod_t_prev ** (0.5) + (
            alpha_prod_t * beta_prod_t * alpha_prod_t_prev
        ) ** (0.5)
        prev_sample = (
            sample_coeff * sample - (alpha_prod_t_prev - alpha_prod_t) * model_output / model_output_denom_coeff
        )
        return prev_sample


KINDS = {'ddim': DDIM, 'euler': Euler, 'euler_ancestral': EulerAncestral, 'dpmpp_2m': DPMpp2M, 'lcm': LCM, 'pndm': PNDM}
