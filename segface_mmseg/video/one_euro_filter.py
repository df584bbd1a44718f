# Copyright (c) segface-mmseg contributors. All rights reserved.
"""The One-Euro filter (Casiez, Roussel and Vogel, CHI 2012) of a vector.

A low-pass filter whose cutoff rises with the speed of the signal: at rest
it smooths jitter strongly, in fast motion it follows with little lag. It
is how MediaPipe steadies its face and pose regions.
"""
import math
from typing import Optional

import numpy as np


def _alpha(cutoff: float, period: float) -> float:
    """Smoothing factor of an exponential filter of ``cutoff`` Hz sampled
    every ``period`` seconds."""
    tau = 1.0 / (2.0 * math.pi * cutoff)
    return 1.0 / (1.0 + tau / period)


class OneEuroFilter:
    """One-Euro filter of a vector signal, one value per frame.

    Example:
        >>> f = OneEuroFilter(rate=30.0)
        >>> f(np.array([10.0, 20.0]))   # the first value passes unchanged
        array([10., 20.])

    Args:
        rate (float): Frames per second. Default: 30.
        min_cutoff (float): Cutoff (Hz) at rest; lower smooths more.
            Default: 1.0.
        beta (float): How fast the cutoff rises with speed (per unit of
            the signal per second); higher lags less. Default: 0.5.
        d_cutoff (float): Cutoff (Hz) of the speed estimate. Default: 1.0.
    """

    def __init__(self,
                 rate: float = 30.0,
                 min_cutoff: float = 1.0,
                 beta: float = 0.5,
                 d_cutoff: float = 1.0) -> None:
        self.period = 1.0 / rate
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self.value: Optional[np.ndarray] = None
        self.speed: Optional[np.ndarray] = None

    def __call__(self, value: np.ndarray, scale: float = 1.0) -> np.ndarray:
        """Filter the next value.

        Args:
            value (np.ndarray): The new measurement, any shape.
            scale (float): Unit of the speed (e.g. the face's size in
                pixels), so that ``beta`` does not depend on the image
                size. Default: 1.0.

        Returns:
            np.ndarray: The filtered value (float64).
        """
        value = np.asarray(value, dtype=np.float64)
        if self.value is None:
            self.value, self.speed = value, np.zeros_like(value)
            return value
        # 1. the speed, itself low-passed
        speed = (value - self.value) / self.period
        a_d = _alpha(self.d_cutoff, self.period)
        self.speed = a_d * speed + (1 - a_d) * self.speed
        # 2. a cutoff per component that rises with the speed
        cutoff = self.min_cutoff + self.beta * np.abs(self.speed) / scale
        tau = 1.0 / (2.0 * math.pi * cutoff)
        alpha = 1.0 / (1.0 + tau / self.period)
        self.value = alpha * value + (1 - alpha) * self.value
        return self.value
