import { Controller } from '@nestjs/common';
import { MathService } from './math.service';

@Controller()
export class MathController {
  constructor(private readonly math: MathService) {}
}
