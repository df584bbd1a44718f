# Short name of the Helen model: SegFace, Swin-B, Helen at 512 x 512.
_base_ = './segface/segface_swin-b_8xb2-300e_helen-512x512.py'
