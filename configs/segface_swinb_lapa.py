# Short name of the LaPa model: SegFace, Swin-B, LaPa at 512 x 512.
_base_ = './segface/segface_swin-b_8xb4-300e_lapa-512x512.py'
