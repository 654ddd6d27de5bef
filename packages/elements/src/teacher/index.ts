// The teacher widgets (classes only; registering them is the define modules' job).
export {};
