# Copyright (c) segface-mmseg contributors. All rights reserved.
"""Face parsing of videos: streaming, tracked faces, steady masks."""
from .face_tracker import FaceTrack, FaceTracker, box_iou
from .frame_source import FrameSource, VideoFrames, VideoReadError
from .one_euro_filter import OneEuroFilter
from .scene_cut import SceneCutDetector
from .temporal_filter import (WARPS, ProbabilityFilter, warp_affine,
                              warp_by_flow)
from .video_parser import VideoFaceParser, VideoFrameResult

__all__ = [
    'FaceTrack', 'FaceTracker', 'FrameSource', 'OneEuroFilter',
    'ProbabilityFilter', 'SceneCutDetector', 'VideoFaceParser',
    'VideoFrameResult', 'VideoFrames', 'VideoReadError', 'WARPS', 'box_iou',
    'warp_affine', 'warp_by_flow'
]
